// Signals, queries, search attributes and ids of the conversation workflow.
// The API imports these so both ends share one typed name.
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** One inbound SMS as the webhook accepted it: only whitelisted fields. `messageSid` is the dedup key. */
export interface InboundMessage {
  messageSid: string;
  accountSid: string;
  tenantId: string;
  /** Our Twilio number (E.164) that received it. */
  to: string;
  /** The customer's number (E.164). */
  from: string;
  body: string;
  numMedia: number;
  mediaUrls: string[];
  /** ISO time the webhook accepted it. */
  receivedAt: string;
}

/** A reply a person queued in the inbox; the message row already exists with status `queued`. */
export interface OutboundRequest {
  messageId: string;
}

export const inboundMessageSignal = defineSignal<[InboundMessage]>('inboundMessage');
export const outboundMessageSignal = defineSignal<[OutboundRequest]>('outboundMessage');
/** A person re-filed the conversation in the inbox; the workflow follows (search attribute, booking). */
export const categoryCorrectedSignal = defineSignal<[{ category: Category }]>('categoryCorrected');
/** Sent when an admin fixes the ServiceTitan configuration or asks to retry failed bookings. */
export const retryBookingSignal = defineSignal<[{ reason: string }]>('retryBooking');

export type BookingStatus = 'none' | 'pending' | 'retrying' | 'created' | 'failed' | 'skipped';
export type Category = 'engaged' | 'opt_out' | 'complaint';

export interface ConversationState {
  conversationId: string | null;
  category: Category | null;
  bookingStatus: BookingStatus;
  bookingId: string | null;
  queued: number;
  seenMessageSids: number;
}
export const conversationStateQuery = defineQuery<ConversationState>('conversationState');

export const tenantIdKey = defineSearchAttributeKey('TenantId', 'KEYWORD');
export const categoryKey = defineSearchAttributeKey('ConversationCategory', 'KEYWORD');
export const bookingStatusKey = defineSearchAttributeKey('BookingStatus', 'KEYWORD');

export interface ConversationWorkflowInput {
  tenantId: string;
  ourNumber: string;
  customerNumber: string;
  /** Carried through continue-as-new. */
  carried?: {
    conversationId: string | null;
    queue: QueuedWork[];
    seenMessageSids: string[];
    category: Category | null;
    bookingStatus: BookingStatus;
    bookingId: string | null;
  };
}

export type QueuedWork =
  | { kind: 'inbound'; message: InboundMessage }
  | { kind: 'outbound'; request: OutboundRequest }
  | { kind: 'retryBooking' }
  | { kind: 'corrected'; category: Category };

export function conversationWorkflowId(tenantId: string, ourNumber: string, customerNumber: string): string {
  return `conversation-${tenantId}-${ourNumber}-${customerNumber}`;
}
