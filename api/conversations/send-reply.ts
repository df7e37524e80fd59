// A person's reply. The message row is written (status `queued`, needsAttention cleared) and committed
// first, then handed to the conversation's workflow, which sends it through Twilio. The commit comes
// first so the workflow's send activity can never look for a row that is not visible yet; if Temporal
// cannot be reached the row is taken back out (compensation) and the API answers 503.
import type { Client } from '@temporalio/client';
import type { Transaction } from 'sequelize';
import type { Database } from '../../db/connection.ts';
import { notifyConversationUpdated } from '../../db/conversation-events.ts';
import { takeOverSession } from '../../db/repositories/assistant-sessions.ts';
import { lockConversation } from '../../db/repositories/conversation-decisions.ts';
import type { Logger } from '../../logging/logger.ts';
import { outboundMessageSignal, type OutboundRequest } from '../../workflows/definitions.ts';
import { decide } from '../../domain/conversation-rules.ts';
import { signalConversation } from '../temporal/signal-conversation.ts';
import type { SessionUser } from '../auth/request-auth.ts';
import { ConflictError, ServiceUnavailableError } from '../errors.ts';
import { conversationNotFound } from './get-conversation.ts';
import { presentMessage, type MessageRow, type MessageView } from './present-conversation.ts';

export const maxReplyLength = 1600;

export interface SendReplyDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** How long to wait for Temporal before answering 503. */
  signalTimeoutMs?: number;
}

interface Target {
  conversation_id: string;
  needs_attention: boolean;
  last_message_at: Date | null;
  handled_at: Date | null;
}

/** What a person sends: new text, or the text of an `unknown` message they chose to resend. */
export interface OutboundDraft {
  body: string;
  /** The message this one resends (see resend-message.ts). */
  resendOf?: string;
}

export function sendReply(deps: SendReplyDeps, user: SessionUser, conversationId: string, body: string): Promise<MessageView> {
  return queuePersonsMessage(deps, user, conversationId, () => Promise.resolve({ body }));
}

/**
 * Queues a person's message and hands it to the conversation's workflow. `draft` runs inside the
 * transaction, after the conversation is locked and the opt-out checked, and may refuse by throwing.
 */
export async function queuePersonsMessage(
  deps: SendReplyDeps,
  user: SessionUser,
  conversationId: string,
  draft: (transaction: Transaction) => Promise<OutboundDraft>,
): Promise<MessageView> {
  const { db } = deps;
  const { sequelize, models } = db;
  const tenantId = user.tenantId;

  const { message, target } = await sequelize.transaction(async (transaction) => {
    // FOR SHARE on the contact: an opt-out committing meanwhile waits for us or is seen by us.
    const conversation = await lockConversation(db, { conversationId, tenantId }, transaction);
    if (!conversation) throw conversationNotFound();
    if (conversation.facts.contactOptedOut) {
      throw new ConflictError('This customer has opted out of text messages (they texted STOP); a reply cannot be sent.');
    }
    const found: Target = {
      conversation_id: conversation.id,
      needs_attention: conversation.facts.needsAttention,
      last_message_at: conversation.lastMessageAt,
      handled_at: conversation.handledAt,
    };
    const { body, resendOf = null } = await draft(transaction);
    const created = await models.Message.create(
      { tenantId, conversationId, direction: 'outbound', body, status: 'queued', authorUserId: user.id, resendOf },
      { transaction },
    );
    // A person replying while the assistant answers (auto mode) takes the session over: it stays silent.
    await takeOverSession(db, { id: conversation.id, tenantId }, { onlyAuto: true }, transaction);
    // A person's reply: the rules clear needsAttention (decide → personReplied) and mark it handled now.
    const { needsAttention } = decide(conversation.facts, { kind: 'personReplied' });
    await sequelize.query(
      `UPDATE conversations SET needs_attention = :needsAttention, handled_at = now(),
              last_message_at = GREATEST(last_message_at, :at), updated_at = now()
        WHERE id = :conversationId`,
      { replacements: { conversationId, at: created.createdAt, needsAttention }, transaction },
    );
    return { message: created, target: found };
  });

  try {
    await signalWorkflow(deps, tenantId, target, { messageId: message.id });
  } catch (err) {
    const sentAnyway = !(await compensate(db, message.id, message.createdAt, target));
    if (!sentAnyway) {
      deps.logger.warn('reply not handed to Temporal; rolled back', {
        conversationId,
        error: err instanceof Error ? err.message : String(err),
      });
      throw new ServiceUnavailableError('Replies cannot be sent right now (the workflow service is unreachable). Try again in a moment.');
    }
  }
  await notifyConversationUpdated(sequelize, { tenantId, id: conversationId });
  const row: MessageRow = {
    id: message.id,
    direction: message.direction,
    body: message.body,
    status: message.status,
    error_code: null,
    author_user_id: message.authorUserId,
    author: 'person',
    episode: message.episode ?? 1,
    resend_of: message.resendOf,
    created_at: message.createdAt,
  };
  return presentMessage(row);
}

function signalWorkflow(deps: SendReplyDeps, tenantId: string, target: Target, request: OutboundRequest): Promise<unknown> {
  const { temporal, taskQueue, signalTimeoutMs = 5_000 } = deps;
  const address = { tenantId, conversationId: target.conversation_id };
  return signalConversation({ temporal, taskQueue, timeoutMs: signalTimeoutMs }, address, outboundMessageSignal, [request]);
}

/**
 * Takes the reply back out. Returns false when the row had already been picked up (a signal that timed
 * out on our side but reached the workflow), in which case the reply stands.
 */
async function compensate(db: Database, messageId: string, createdAt: Date, before: Target): Promise<boolean> {
  const { sequelize } = db;
  return sequelize.transaction(async (transaction) => {
    const [, deleted] = await sequelize.query(
      `DELETE FROM messages WHERE id = :messageId AND status = 'queued' AND twilio_sid IS NULL`,
      { replacements: { messageId }, transaction },
    );
    if (!rowCountOf(deleted)) return false;
    // Only undo what is still ours: a newer message may have moved these on meanwhile.
    await sequelize.query(
      `UPDATE conversations
          SET needs_attention = CASE WHEN needs_attention = false THEN :needsAttention ELSE needs_attention END,
              handled_at = CAST(:handledAt AS timestamptz),
              last_message_at = CASE WHEN last_message_at = :ourAt THEN CAST(:previousAt AS timestamptz) ELSE last_message_at END
        WHERE id = :conversationId`,
      {
        replacements: {
          conversationId: before.conversation_id,
          needsAttention: before.needs_attention,
          handledAt: before.handled_at,
          ourAt: createdAt,
          previousAt: before.last_message_at,
        },
        transaction,
      },
    );
    return true;
  });
}

/** sequelize.query's second element for a DELETE on postgres is the pg Result (or a row count). */
function rowCountOf(result: unknown): number {
  if (typeof result === 'number') return result;
  if (result && typeof result === 'object' && 'rowCount' in result && typeof result.rowCount === 'number') return result.rowCount;
  return 0;
}
