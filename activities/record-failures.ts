import { notifyConversationUpdated } from '../db/conversation-events.ts';
import { recordGaveUp } from '../db/repositories/outbound-messages.ts';
import type { ActivityDeps } from './types.ts';

/**
 * The workflow gave up on a reply (Twilio would not take it, or it kept failing): a message never sent
 * is marked failed so the CSR sees it. One whose last try was still in flight when the workflow gave up
 * (the try timed out) may have reached Twilio: `unknown`, not failed. Sent or `unknown` ones stay.
 */
export function recordOutboundFailure({ db }: ActivityDeps) {
  return async ({ messageId, error }: { messageId: string; error: string }): Promise<void> => {
    const message = await recordGaveUp(db, messageId, error);
    if (message) await notifyConversationUpdated(db.sequelize, { tenantId: message.tenantId, id: message.conversationId });
  };
}

/** The booking stopped retrying: keep the reason for the admin; `needsAttention` is left as it is. */
export function recordBookingGaveUp({ db }: ActivityDeps) {
  return async ({ conversationId, error }: { conversationId: string; error: string }): Promise<void> => {
    const conversation = await db.models.Conversation.findByPk(conversationId);
    if (!conversation || conversation.serviceTitanBookingId) return;
    await conversation.update({ bookingStatus: 'failed', bookingLastError: conversation.bookingLastError ?? error });
    await notifyConversationUpdated(db.sequelize, { tenantId: conversation.tenantId, id: conversationId });
  };
}
