import { ApplicationFailure } from '@temporalio/activity';
import { QueryTypes } from 'sequelize';
import { notifyConversationUpdated } from '../db/conversation-events.ts';
import type { InboundMessage } from '../workflows/definitions.ts';
import type { ActivityDeps } from './types.ts';

export interface RecordedInbound {
  conversationId: string;
  bookingId: string | null;
}

/**
 * Contact, conversation and message in one transaction. Idempotent: the contact and conversation are
 * upserted on their natural keys and the message on its Twilio SID, so a retry or a re-delivery
 * stores nothing twice.
 */
export function recordInboundMessage({ db }: ActivityDeps) {
  return async (message: InboundMessage): Promise<RecordedInbound> => {
    const { sequelize } = db;
    return sequelize.transaction(async (transaction) => {
      const [number] = await sequelize.query<{ id: string }>(
        'SELECT id FROM phone_numbers WHERE phone = :to AND tenant_id = :tenantId',
        { replacements: { to: message.to, tenantId: message.tenantId }, type: QueryTypes.SELECT, transaction },
      );
      if (!number) {
        // The number was removed between the webhook and now: nothing can own this message.
        throw ApplicationFailure.nonRetryable(`No phone number ${message.to} for tenant ${message.tenantId}`, 'UnknownNumber');
      }
      const [contact] = await sequelize.query<{ id: string }>(
        `INSERT INTO contacts (id, tenant_id, phone, opted_out, created_at, updated_at)
         VALUES (gen_random_uuid(), :tenantId, :from, false, now(), now())
         ON CONFLICT (tenant_id, phone) DO UPDATE SET phone = EXCLUDED.phone
         RETURNING id`,
        { replacements: { tenantId: message.tenantId, from: message.from }, type: QueryTypes.SELECT, transaction },
      );
      const [conversation] = await sequelize.query<{ id: string; service_titan_booking_id: string | null }>(
        `INSERT INTO conversations (id, tenant_id, contact_id, phone_number_id, category, needs_attention,
                                    booking_status, booking_attempts, last_message_at, created_at, updated_at)
         VALUES (gen_random_uuid(), :tenantId, :contactId, :numberId, 'engaged', false, 'none', 0, :at, now(), now())
         ON CONFLICT (tenant_id, phone_number_id, contact_id)
           DO UPDATE SET last_message_at = GREATEST(conversations.last_message_at, EXCLUDED.last_message_at),
                         updated_at = now()
         RETURNING id, service_titan_booking_id`,
        {
          replacements: { tenantId: message.tenantId, contactId: contact!.id, numberId: number.id, at: message.receivedAt },
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      await sequelize.query(
        `INSERT INTO messages (id, tenant_id, conversation_id, direction, body, status, twilio_sid,
                               num_media, media_urls, created_at, updated_at)
         VALUES (gen_random_uuid(), :tenantId, :conversationId, 'inbound', :body, 'received', :sid,
                 :numMedia, CAST(:mediaUrls AS jsonb), :at, now())
         ON CONFLICT (twilio_sid) DO NOTHING`,
        {
          replacements: {
            tenantId: message.tenantId,
            conversationId: conversation!.id,
            body: message.body,
            sid: message.messageSid,
            numMedia: message.numMedia,
            mediaUrls: JSON.stringify(message.mediaUrls),
            at: message.receivedAt,
          },
          transaction,
        },
      );
      await notifyConversationUpdated(sequelize, { tenantId: message.tenantId, id: conversation!.id }, transaction);
      return { conversationId: conversation!.id, bookingId: conversation!.service_titan_booking_id };
    });
  };
}
