// The Postgres ends of an assistant turn in the conversation workflow (local activities): what the turn
// is given (prepareAssistantTurn) and what it did (recordAssistantTurn). The model and tool calls in
// between are ordinary activities of their own (assistant-model-call.ts, assistant-tool-call.ts).
import { DateTime } from 'luxon';
import type { TraceEntry, TurnInput, TurnOutcome } from '../assistant/assistant-turn.ts';
import type { TurnMessage } from '../assistant/model-caller.ts';
import { systemPrompt } from '../assistant/system-prompt.ts';
import { offeredTools } from '../assistant/tools/tool-schemas.ts';
import { notifyConversationUpdated } from '../db/conversation-events.ts';
import {
  answeringMode,
  assistantOfConversation,
  endOpenSession,
  findTurnByLastInbound,
  inboundTexts,
  insertAssistantReplies,
  insertTurn,
  openSession,
  turnConversation,
  turnInbound,
  updateSessionAfterTurn,
} from '../db/repositories/assistant-sessions.ts';
import { applyDecision, lockConversation } from '../db/repositories/conversation-decisions.ts';
import { loadServiceTitanConfig } from '../db/tenant-secrets.ts';
import type { SessionEndReason } from '../domain/assistant-session.ts';
import { isBusinessHours } from '../domain/business-hours.ts';
import { bookingExternalId } from '../domain/conversation-summary.ts';
import { decide, type AssistantMode, type BookingIntent, type ConversationEvent } from '../domain/conversation-rules.ts';
import { answeredByPersonSince, filedMode, handOverTurnMessages, notAnsweringInput, notAnsweringReason, switchedOffReason } from './assistant-not-answering.ts';
import { serviceTitanConnectionOf } from './assistant-tools.ts';
import type { ActivityDeps } from './types.ts';

export interface PrepareTurnInput {
  conversationId: string;
  /** The inbound messages the turn answers (a burst), oldest first. */
  messageIds: string[];
  /** One of them was filed as a complaint: hand over without asking the model. */
  complaint: boolean;
}

export interface AssistantTurnPlan {
  tenantId: string;
  sessionId: string;
  mode: AssistantMode;
  input: TurnInput;
  /**
   * Decided before any model call (a complaint, the reply cap, after hours with `message` or `silent`):
   * hand over with this reason; `input.handoffMessage` is what is sent (empty: nothing, after hours `silent`).
   */
  handoff: string | null;
}

/** The handoff reason after hours (the inbox strip shows "Handed over: outside business hours"). */
export const afterHoursReason = 'outside business hours';

/**
 * Everything the turn needs, from Postgres; null when nothing more is to happen: the customer opted out
 * (nothing automated, per the rules) or no session is open (a person took it over: the person has it).
 * When the assistant no longer answers (switched off or gone since the filing), a handoff with nothing to
 * send: recording it files the messages for a person (assistant-not-answering.ts).
 * The tool context (the customer's own number above all) comes from the conversation, never from what
 * anyone wrote: the tools can only ever act for the texting customer.
 */
export function prepareAssistantTurn({ db, box, clock }: Pick<ActivityDeps, 'db' | 'box' | 'clock'>) {
  const now = clock ?? (() => new Date());
  return async ({ conversationId, messageIds, complaint }: PrepareTurnInput): Promise<AssistantTurnPlan | null> => {
    const conversation = await turnConversation(db, conversationId);
    if (!conversation || conversation.optedOut) return null;
    const session = await openSession(db, conversationId);
    if (!session) return null;
    const texts = await inboundTexts(db, conversationId, messageIds);
    if (texts.length === 0) return null;
    const assistant = await assistantOfConversation(db, conversationId);
    const mode = answeringMode(assistant);
    const bookingKey = bookingExternalId(conversationId, conversation.episode);
    if (!assistant || !mode) {
      const reason = notAnsweringReason(assistant) ?? switchedOffReason;
      const filed = await filedMode(db, conversationId, messageIds);
      return { tenantId: conversation.tenantId, sessionId: session.id, mode: filed, input: notAnsweringInput(conversation, session, texts, bookingKey), handoff: reason };
    }
    const st = await loadServiceTitanConfig(db, box, conversation.tenantId);
    const connected = serviceTitanConnectionOf(st) !== null;
    const { business, customerFirstName } = conversation;
    const at = now();
    const input: TurnInput = {
      system: systemPrompt({
        business,
        smsPrompt: assistant.smsPrompt,
        localNow: DateTime.fromJSDate(at).setZone(assistant.timeZone).toFormat("ccc LLL d, h:mm a '('z')'"),
        customerFirstName,
      }),
      history: session.messages,
      customerText: texts.join('\n'),
      tools: offeredTools(assistant.tools, connected),
      toolContext: {
        customerPhone: conversation.customerPhone,
        switches: assistant.tools,
        bookingMode: assistant.bookingMode,
        defaults: { businessUnitId: st?.businessUnitId ?? null, jobTypeId: st?.jobTypeId ?? null, campaignId: st?.campaignId ?? null, priority: 'Normal' },
        timeZone: assistant.timeZone,
        bookingKey,
        // Draft mode: a person sends the reply, so the tools only read; a booking is described, not made.
        dryRun: mode === 'draft',
      },
      sessionStart: session.messages.length === 0,
      firstSms: { template: assistant.firstSms, business, firstName: customerFirstName },
      handoffMessage: assistant.handoffMessage,
      closingLine: `Thanks for texting ${business}. Goodbye!`,
    };
    // After hours (auto mode; in draft mode a person sends every reply anyway): `message` sends the
    // after-hours message and `silent` nothing, and either hands the session to a person (needsAttention
    // and the booking as without an assistant; the rest of the session is the person's, so the message
    // goes once a session). `answer` runs the turn as in business hours. README, Decisions.
    if (mode === 'auto' && assistant.afterHours !== 'answer' && !isBusinessHours(assistant.businessHours, assistant.timeZone, at)) {
      const handoffMessage = assistant.afterHours === 'message' ? assistant.afterHoursMessage : '';
      return { tenantId: conversation.tenantId, sessionId: session.id, mode, input: { ...input, handoffMessage }, handoff: afterHoursReason };
    }
    const handoff = complaint ? 'the customer complained' : session.replies >= assistant.replyCap ? `reply cap (${assistant.replyCap}) reached` : null;
    return { tenantId: conversation.tenantId, sessionId: session.id, mode, input, handoff };
  };
}

export interface RecordTurnInput {
  conversationId: string;
  sessionId: string;
  mode: AssistantMode;
  messageIds: string[];
  result: { outcome: TurnOutcome; replies: string[]; handoff: { reason: string } | null; trace: TraceEntry[]; messages: TurnMessage[] };
  /** A booking request was taken (request mode): the episode is booked with the chosen window. */
  bookingRequested: boolean;
}

export interface RecordedTurnResult {
  /** The assistant's texts to send, in order (auto mode); empty in draft mode or when silenced. */
  replyMessageIds: string[];
  booking: BookingIntent;
}

const endedBy: Partial<Record<TurnOutcome, SessionEndReason>> = { closed: 'bye', handoff: 'handoff', opted_out: 'opted_out' };

/**
 * Records a turn once, keyed by the last inbound message it answers: a retried or replayed record finds
 * the turn already written and answers with its texts, so nothing is queued twice. Under the
 * conversation's lock it looks again: a customer who opted out or a person who took the session over
 * while the model was thinking silences the turn (recorded, nothing queued); an assistant switched off
 * or gone meanwhile hands the messages over (nothing sent). A handoff raises needsAttention and asks for
 * the booking as the rules decide.
 */
export function recordAssistantTurn({ db }: Pick<ActivityDeps, 'db'>) {
  const { sequelize } = db;
  return async (input: RecordTurnInput): Promise<RecordedTurnResult> => {
    const { conversationId, sessionId, mode, messageIds, result } = input;
    const lastInboundMessageId = messageIds.at(-1);
    if (!lastInboundMessageId) return { replyMessageIds: [], booking: 'keep' };
    return sequelize.transaction(async (transaction) => {
      const conversation = await lockConversation(db, { conversationId }, transaction);
      if (!conversation) return { replyMessageIds: [], booking: 'keep' };
      const existing = await findTurnByLastInbound(db, lastInboundMessageId, transaction);
      if (existing) {
        // Recorded before: its texts (the send activity skips what was sent); its booking only if it never began.
        const neverBegun = existing.booking === 'start' && conversation.facts.bookingStatus === 'none';
        return { replyMessageIds: existing.replyMessageIds, booking: neverBegun ? 'start' : 'keep' };
      }
      const turn = { tenantId: conversation.tenantId, conversationId, sessionId, lastInboundMessageId, inboundMessageIds: messageIds, mode, trace: result.trace };
      const session = await openSession(db, conversationId, transaction);
      if (!session || session.id !== sessionId || conversation.facts.contactOptedOut) {
        await insertTurn(db, { ...turn, outcome: 'silenced', handoffReason: null, draft: null, booking: 'keep' }, transaction);
        return { replyMessageIds: [], booking: 'keep' };
      }

      const notAnswering = notAnsweringReason(await assistantOfConversation(db, conversationId, transaction));
      if (notAnswering) {
        // Switched off or gone before or while the turn ran: nothing is sent, whatever the model wrote;
        // the messages are filed for a person as on a number without an assistant.
        const booking = await handOverTurnMessages(db, conversation, messageIds, transaction);
        const trace: TraceEntry[] =
          result.handoff?.reason === notAnswering ? result.trace : [...result.trace, { kind: 'guardrail', name: 'handoff', ms: 0, detail: notAnswering }];
        await insertTurn(db, { ...turn, trace, outcome: 'handoff', handoffReason: notAnswering, draft: null, booking }, transaction);
        await endOpenSession(db, conversationId, 'handoff', transaction, notAnswering);
        await notifyConversationUpdated(sequelize, { tenantId: conversation.tenantId, id: conversationId }, transaction);
        return { replyMessageIds: [], booking };
      }

      const event: ConversationEvent =
        result.outcome === 'handoff'
          ? { kind: 'assistantHandedOff', answeredByPerson: answeredByPersonSince(conversation, (await turnInbound(db, conversationId, messageIds, transaction)).lastAt) }
          : input.bookingRequested
            ? { kind: 'assistantBookingRequested' }
            : { kind: 'automatedReply' };
      const decision = decide(conversation.facts, event);
      if (event.kind !== 'automatedReply') await applyDecision(db, conversation, { decision }, transaction);

      const draft = mode === 'draft' && result.outcome !== 'handoff' && result.replies.length > 0 ? result.replies.join('\n') : null;
      const handoffReason = result.handoff?.reason.slice(0, 500) ?? null;
      const turnId = await insertTurn(db, { ...turn, outcome: result.outcome, handoffReason, draft, booking: decision.booking }, transaction);
      const replyMessageIds =
        mode === 'auto' ? await insertAssistantReplies(db, { tenantId: conversation.tenantId, conversationId, turnId, texts: result.replies }, transaction) : [];
      await updateSessionAfterTurn(
        db,
        { id: sessionId, messages: result.messages, replied: replyMessageIds.length > 0 || draft !== null, ended: endedBy[result.outcome] ?? null, handoffReason },
        transaction,
      );
      await notifyConversationUpdated(sequelize, { tenantId: conversation.tenantId, id: conversationId }, transaction);
      return { replyMessageIds, booking: decision.booking };
    });
  };
}
