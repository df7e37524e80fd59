import { notifyConversationUpdated } from '../db/conversation-events.ts';
import { recordGaveUp } from '../db/repositories/outbound-messages.ts';
import type { ActivityDeps } from './types.ts';

/**
 * The workflow gave up on a reply (Twilio would not take it, or it kept failing): a message never sent
 * is marked failed so the CSR sees it. One whose last try was still in flight when the workflow gave up
 * (the try timed out) may have reached Twilio: `unknown`, not failed. Sent or `unknown` ones stay.
 */
export function recordOutboundFailure({ db }: Pick<ActivityDeps, 'db'>) {
  return async ({ messageId, error }: { messageId: string; error: string }): Promise<void> => {
    const message = await recordGaveUp(db, messageId, error);
    if (message) await notifyConversationUpdated(db.sequelize, { tenantId: message.tenantId, id: message.conversationId });
  };
}

/**
 * The episode's booking ended without one: `failed` (retries gave up) or `skipped` (stopped, e.g. the
 * customer opted out), with the reason for the conversation view. `needsAttention` is left as it is.
 */
export function recordBookingEnded({ db }: Pick<ActivityDeps, 'db'>) {
  return async (input: { conversationId: string; episode: number; status: 'failed' | 'skipped'; reason: string }): Promise<void> => {
    const conversation = await db.models.Conversation.findByPk(input.conversationId);
    if (!conversation || conversation.serviceTitanBookingId || conversation.episode !== input.episode) return;
    const reason = input.status === 'failed' ? (conversation.bookingLastError ?? input.reason) : input.reason;
    await conversation.update({ bookingStatus: input.status, bookingLastError: reason.slice(0, 1000) });
    await notifyConversationUpdated(db.sequelize, { tenantId: conversation.tenantId, id: input.conversationId });
  };
}

/** Work the workflow could not do: kept on the conversation (and as `ConversationProblem` in Temporal). */
export function recordProblem({ db }: Pick<ActivityDeps, 'db'>) {
  return async ({ conversationId, problem }: { conversationId: string; problem: string }): Promise<void> => {
    const conversation = await db.models.Conversation.findByPk(conversationId);
    if (!conversation) return;
    await conversation.update({ lastError: problem.slice(0, 1000) });
    await notifyConversationUpdated(db.sequelize, { tenantId: conversation.tenantId, id: conversationId });
  };
}
