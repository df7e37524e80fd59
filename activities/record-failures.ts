import { notifyConversationUpdated } from '../db/conversation-events.ts';
import type { ActivityDeps } from './types.ts';

/** A reply Twilio would not take (or that kept failing) is marked failed so the CSR sees it. */
export function recordOutboundFailure({ db }: Pick<ActivityDeps, 'db'>) {
  return async ({ messageId, error }: { messageId: string; error: string }): Promise<void> => {
    const message = await db.models.Message.findByPk(messageId);
    if (!message || message.twilioSid) return;
    await message.update({ status: 'failed', errorCode: error.slice(0, 500) });
    await notifyConversationUpdated(db.sequelize, { tenantId: message.tenantId, id: message.conversationId });
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
