// Signals, queries, search attributes and ids of the conversation workflow.
// The API imports these so both ends share one typed name.
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BookingIntent } from '../domain/conversation-rules.ts';

/** An inbound SMS the webhook stored: the workflow loads what it needs by id. */
export interface InboundRequest {
  messageId: string;
}

/** A reply a person queued in the inbox; the message row already exists with status `queued`. */
export interface OutboundRequest {
  messageId: string;
}

export const inboundMessageSignal = defineSignal<[InboundRequest]>('inboundMessage');
export const outboundMessageSignal = defineSignal<[OutboundRequest]>('outboundMessage');
/**
 * A person re-filed the conversation in the inbox (already in Postgres); the workflow follows: search
 * attribute, and the booking as the rules decided (`start`, `stop`, `keep`).
 */
export const categoryCorrectedSignal = defineSignal<[{ category: Category; booking: BookingIntent }]>('categoryCorrected');
/** A person resolved or reopened the conversation (already in Postgres): the workflow looks again. */
export const conversationChangedSignal = defineSignal<[{ change: 'resolved' | 'reopened' }]>('conversationChanged');
/**
 * A person took the assistant's session over, or handed it back ("Take over" / "Hand back" in the
 * inbox; already in Postgres). A turn under way finds it when it records its reply (silenced).
 */
export const assistantSessionSignal = defineSignal<[{ change: 'takenOver' | 'handedBack' }]>('assistantSession');
/** Sent when an admin fixes the ServiceTitan configuration or asks to retry failed bookings. */
export const retryBookingSignal = defineSignal<[{ reason: string }]>('retryBooking');

export type BookingStatus = 'none' | 'pending' | 'retrying' | 'created' | 'failed' | 'skipped';
export type Category = 'engaged' | 'opt_out' | 'complaint';

export interface ConversationState {
  conversationId: string;
  episode: number;
  category: Category | null;
  bookingStatus: BookingStatus;
  queued: number;
  bookingInFlight: boolean;
}
export const conversationStateQuery = defineQuery<ConversationState>('conversationState');

export const tenantIdKey = defineSearchAttributeKey('TenantId', 'KEYWORD');
export const categoryKey = defineSearchAttributeKey('ConversationCategory', 'KEYWORD');
export const bookingStatusKey = defineSearchAttributeKey('BookingStatus', 'KEYWORD');
/** Set when work could not be done (a non-retryable failure): `ConversationProblem="booking-failed"`. */
export const problemKey = defineSearchAttributeKey('ConversationProblem', 'KEYWORD');

/** Everything else lives in Postgres: a run ends when the conversation is resolved; the next message starts a new one. */
export interface ConversationWorkflowInput {
  tenantId: string;
  conversationId: string;
}

export type QueuedWork =
  | { kind: 'inbound'; messageId: string }
  | { kind: 'outbound'; messageId: string }
  | { kind: 'retryBooking' }
  | { kind: 'corrected'; category: Category; booking: BookingIntent }
  | { kind: 'changed' };

/** Names the tenant and the conversation, and carries no phone number (ids are not encrypted). */
export function conversationWorkflowId(tenantId: string, conversationId: string): string {
  return `conversation-${tenantId}-${conversationId}`;
}
