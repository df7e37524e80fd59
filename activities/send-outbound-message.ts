import { ApplicationFailure } from '@temporalio/activity';
import { TwilioSendError } from '../clients/twilio/sender.ts';
import { notifyConversationUpdated } from '../db/conversation-events.ts';
import type { ActivityDeps } from './types.ts';

/**
 * Sends one queued outbound message through Twilio. Idempotent on our message id: a message that already
 * has a Twilio SID is never sent again.
 */
export function sendOutboundMessage({ db, box, twilio, env }: ActivityDeps) {
  const { sequelize, models } = db;
  return async ({ messageId }: { messageId: string }): Promise<{ sid: string }> => {
    const message = await models.Message.findByPk(messageId);
    if (!message) throw ApplicationFailure.nonRetryable(`Message ${messageId} not found`, 'TwilioRejectedError');
    if (message.twilioSid) return { sid: message.twilioSid };
    const conversation = await models.Conversation.findByPk(message.conversationId, { rejectOnEmpty: true });
    const [contact, number, tenant] = await Promise.all([
      models.Contact.findByPk(conversation.contactId, { rejectOnEmpty: true }),
      models.PhoneNumber.findByPk(conversation.phoneNumberId, { rejectOnEmpty: true }),
      models.Tenant.findByPk(conversation.tenantId, { rejectOnEmpty: true }),
    ]);
    if (contact.optedOut) {
      throw ApplicationFailure.nonRetryable('The customer has opted out of SMS; the reply was not sent.', 'TwilioRejectedError');
    }
    if (!tenant.twilioAccountSid || !tenant.twilioAuthToken) {
      throw ApplicationFailure.nonRetryable('Twilio is not set up for this account (account SID and auth token).', 'TwilioRejectedError');
    }
    await message.update({ status: 'sending' });
    try {
      const sent = await twilio.send({
        accountSid: tenant.twilioAccountSid,
        authToken: box.open(tenant.twilioAuthToken),
        from: number.phone,
        to: contact.phone,
        body: message.body,
        statusCallback: `${env.PUBLIC_BASE_URL}/api/twilio/status`,
      });
      await message.update({ twilioSid: sent.sid, status: sent.status === 'accepted' ? 'queued' : sent.status });
      await notifyConversationUpdated(sequelize, { tenantId: tenant.id, id: conversation.id });
      return { sid: sent.sid };
    } catch (err) {
      if (err instanceof TwilioSendError && !err.retryable) {
        throw ApplicationFailure.nonRetryable(err.message, 'TwilioRejectedError');
      }
      throw err;
    }
  };
}
