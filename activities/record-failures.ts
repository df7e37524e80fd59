import { notifyConversationUpdated } from '../db/conversation-events.ts';
import type { ActivityDeps } from './types.ts';

/** A reply Twilio would not take (or that kept failing) is marked failed so the CSR sees it. */
export function recordOutboundFailure({ db }: ActivityDeps) {
  return async ({ messageId, error }: { messageId: string; error: string }): Promise<void> => {
    const message = await db.models.Message.findByPk(messageId);
    if (!message || message.twilioSid) return;
    await message.update({ status: 'failed', errorCode: error.slice(0, 500) });
    await notifyConversationUpdated(db.sequelize, { tenantId: message.tenantId, id: message.conversationId });
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
