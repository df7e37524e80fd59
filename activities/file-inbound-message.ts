import { ApplicationFailure } from '@temporalio/activity';
import { QueryTypes } from 'sequelize';
import { notifyConversationUpdated } from '../db/conversation-events.ts';
import { endOpenSession, enterSession } from '../db/repositories/assistant-sessions.ts';
import { applyDecision, classificationOf, lockConversation } from '../db/repositories/conversation-decisions.ts';
import { fallbackClassification, keywordClassification, type ClassificationResult } from '../domain/classification.ts';
import { decide, eventForFiling, type AssistantAsk, type BookingIntent, type ConversationEvent } from '../domain/conversation-rules.ts';
import type { Category } from '../workflows/definitions.ts';
import { idleAtSql } from './conversation-lifecycle.ts';
import type { ActivityDeps } from './types.ts';

export interface FileInboundInput {
  messageId: string;
  route: 'optOut' | 'optIn' | 'classify';
  /** The classifier's filing (`classify`); null when it could not answer (the fallback files it). */
  filing: ClassificationResult | null;
}

/**
 * Null when the message is not inbound work any more (it was never filed and cannot be). `idleAt`: when the
 * conversation (open: the message reopened it) goes idle, so the workflow needs no lifecycle read after it.
 * `assistant`: what the number's assistant is to do about it (the workflow runs its turn).
 */
export type FiledInbound = { category: Category; booking: BookingIntent; episode: number; idleAt: number; assistant: AssistantAsk } | null;

/**
 * Files one inbound message as the rules decide, against the conversation as it is now (locked): a person
 * who replied while the classifier worked has answered this message, so its filing leaves the flag alone.
 * Marks the message filed in the same transaction, so a retry or a second signal files it once; a message
 * filed already answers with the decision its filing made (a local activity whose first try committed but
 * whose result was lost runs again: the workflow must still hear "start the booking").
 */
export function fileInboundMessage({ db }: Pick<ActivityDeps, 'db'>) {
  const { sequelize } = db;
  return async ({ messageId, route, filing }: FileInboundInput): Promise<FiledInbound> => {
    const [message] = await sequelize.query<{ conversation_id: string; body: string }>(
      'SELECT conversation_id, body FROM messages WHERE id = :messageId',
      { replacements: { messageId }, type: QueryTypes.SELECT },
    );
    if (!message) throw ApplicationFailure.nonRetryable(`Inbound message ${messageId} is not stored`, 'MessageNotFound');
    return sequelize.transaction(async (transaction) => {
      const conversation = await lockConversation(db, { conversationId: message.conversation_id }, transaction);
      if (!conversation) throw ApplicationFailure.nonRetryable(`Conversation ${message.conversation_id} is gone`, 'MessageNotFound');
      const [fresh] = await sequelize.query<{
        filed_at: Date | null;
        filed_booking: BookingIntent | null;
        filed_assistant: AssistantAsk;
        assistant_turn_id: string | null;
        episode: number;
        created_at: Date;
        idle_at: string;
      }>(
        `SELECT m.filed_at, m.filed_booking, m.filed_assistant, m.assistant_turn_id, m.episode, m.created_at, ${idleAtSql} AS idle_at
           FROM messages m JOIN conversations cv ON cv.id = m.conversation_id JOIN tenants t ON t.id = cv.tenant_id
          WHERE m.id = :messageId FOR UPDATE OF m`,
        { replacements: { messageId }, type: QueryTypes.SELECT, transaction },
      );
      if (!fresh) return null;
      if (fresh.filed_at) {
        // Only a booking its filing asked for that never began (still `none` in the same episode) is asked
        // for again; anything else it decided has happened already, or a later message decided since.
        const neverBegun = fresh.filed_booking === 'start' && conversation.facts.bookingStatus === 'none' && fresh.episode === conversation.episode;
        // Likewise the assistant: asked again only while no turn has answered the message.
        const assistant = fresh.assistant_turn_id === null ? fresh.filed_assistant : null;
        const idleAt = Number(fresh.idle_at);
        return { category: conversation.facts.category, booking: neverBegun ? 'start' : 'keep', episode: fresh.episode, idleAt, assistant };
      }
      const answeredByPerson = conversation.handledAt !== null && conversation.handledAt >= fresh.created_at;
      const result =
        route === 'classify' ? (filing ?? fallbackClassification) : keywordClassification(route === 'optOut' ? 'opt_out' : 'opt_in', message.body)!;
      const event: ConversationEvent = route === 'classify' ? eventForFiling(result, answeredByPerson) : { kind: route };
      // The assistant's session this message belongs to (new after a quiet spell); an opt-out ends it.
      const assistantMode =
        route === 'classify' ? await enterSession(db, { id: conversation.id, tenantId: conversation.tenantId, contactOptedOut: conversation.facts.contactOptedOut }, messageId, transaction) : null;
      const decision = decide({ ...conversation.facts, assistantMode }, event);
      if (decision.contactOptedOut && !conversation.facts.contactOptedOut) await endOpenSession(db, conversation.id, 'opted_out', transaction);
      await applyDecision(db, conversation, { decision, classification: classificationOf(result) }, transaction);
      await sequelize.query('UPDATE messages SET filed_at = now(), filed_booking = :booking, filed_assistant = :assistant WHERE id = :messageId', {
        replacements: { messageId, booking: decision.booking, assistant: decision.assistant },
        transaction,
      });
      await notifyConversationUpdated(sequelize, { tenantId: conversation.tenantId, id: conversation.id }, transaction);
      return { category: decision.category, booking: decision.booking, episode: conversation.episode, idleAt: Number(fresh.idle_at), assistant: decision.assistant };
    });
  };
}
