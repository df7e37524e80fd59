// The assistant no longer answering by the time its turn runs: an admin switched it off (disabled, mode
// off), deleted it or took the number from it after a message was filed for it. Nothing is sent, and the
// turn's messages are handed to a person exactly as on a number without an assistant: the rules' handoff
// decision (domain/conversation-rules.ts: `needsAttention` raised unless a person answered meanwhile, the
// episode booked). The session ends `handoff` with the reason, so the inbox says why once an assistant
// answers the number again (until then it shows the assistant off, or none).
import type { Transaction } from 'sequelize';
import type { Database } from '../db/connection.ts';
import { answeringMode, turnInbound, type AssistantSessionRow, type TurnConversation } from '../db/repositories/assistant-sessions.ts';
import type { AssistantRow } from '../db/repositories/assistants.ts';
import { applyDecision, type LockedConversation } from '../db/repositories/conversation-decisions.ts';
import type { TurnInput } from '../assistant/assistant-turn.ts';
import { decide, type AssistantMode, type BookingIntent } from '../domain/conversation-rules.ts';

export const switchedOffReason = 'the assistant was switched off';
export const noAssistantReason = 'no assistant answers this number any more';

/** Why the number's assistant does not answer now; null when it does (auto or draft mode). */
export function notAnsweringReason(assistant: AssistantRow | null): string | null {
  if (!assistant) return noAssistantReason;
  return answeringMode(assistant) === null ? switchedOffReason : null;
}

/** A person replied or marked the conversation handled after the newest of the turn's messages came. */
export function answeredByPersonSince(conversation: Pick<LockedConversation, 'handledAt'>, lastAt: Date | null): boolean {
  return conversation.handledAt !== null && lastAt !== null && conversation.handledAt >= lastAt;
}

/**
 * The rules' handoff for a turn's messages (the conversation locked by the caller), applied when one of
 * them still waits for the assistant's reply (filed in auto mode: no person asked for, nothing booked).
 * Messages filed in draft mode or as a complaint were filed for a person already: nothing changes.
 * Returns what the workflow does about the episode's booking.
 */
export async function handOverTurnMessages(
  db: Database,
  conversation: LockedConversation,
  messageIds: readonly string[],
  transaction: Transaction,
): Promise<BookingIntent> {
  const inbound = await turnInbound(db, conversation.id, messageIds, transaction);
  if (!inbound.awaitingReply) return 'keep';
  const decision = decide(conversation.facts, { kind: 'assistantHandedOff', answeredByPerson: answeredByPersonSince(conversation, inbound.lastAt) });
  await applyDecision(db, conversation, { decision }, transaction);
  return decision.booking;
}

/**
 * What the turn is given when the assistant no longer answers at its start: a handoff with nothing to
 * send and no model call (the assistant's own settings may be gone). recordAssistantTurn finds the
 * assistant still not answering and hands the messages over (handOverTurnMessages).
 */
export function notAnsweringInput(conversation: TurnConversation, session: AssistantSessionRow, texts: readonly string[], bookingKey: string): TurnInput {
  return {
    system: '',
    history: session.messages,
    customerText: texts.join('\n'),
    tools: [],
    toolContext: {
      customerPhone: conversation.customerPhone,
      switches: { customerLookup: false, jobStatus: false, availability: false, booking: false },
      bookingMode: 'request',
      defaults: { businessUnitId: null, jobTypeId: null, campaignId: null, priority: 'Normal' },
      timeZone: 'UTC',
      bookingKey,
      dryRun: true,
    },
    sessionStart: false,
    firstSms: { template: '', business: conversation.business, firstName: conversation.customerFirstName },
    handoffMessage: '',
    closingLine: '',
  };
}

/** The mode the turn's messages were filed in (the turn's record says it). */
export async function filedMode(db: Database, conversationId: string, messageIds: readonly string[]): Promise<AssistantMode> {
  return (await turnInbound(db, conversationId, messageIds)).draft ? 'draft' : 'auto';
}
