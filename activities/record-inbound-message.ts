import { ApplicationFailure } from '@temporalio/activity';
import { QueryTypes } from 'sequelize';
import { notifyConversationUpdatedSql } from '../db/conversation-events.ts';
import type { InboundMessage } from '../workflows/definitions.ts';
import type { ActivityDeps } from './types.ts';

export interface RecordedInbound {
  conversationId: string;
  bookingId: string | null;
}

/**
 * Contact, conversation and message in one statement. Idempotent: the contact and conversation are
 * upserted on their natural keys and the message on its Twilio SID, so a retry or a re-delivery
 * stores nothing twice.
 */
export function recordInboundMessage({ db }: ActivityDeps) {
  return async (message: InboundMessage): Promise<RecordedInbound> => {
    // One statement, so one round trip and atomic without an explicit transaction. Every step hangs off
    // the number row: if the number was removed between the webhook and now, nothing is written.
    const rows = await db.sequelize.query<{ id: string; service_titan_booking_id: string | null }>(
      `WITH num AS (
         SELECT id FROM phone_numbers WHERE phone = :to AND tenant_id = :tenantId
       ), contact AS (
         INSERT INTO contacts (id, tenant_id, phone, opted_out, created_at, updated_at)
         SELECT gen_random_uuid(), :tenantId, :from, false, now(), now() FROM num
         ON CONFLICT (tenant_id, phone) DO UPDATE SET phone = EXCLUDED.phone
         RETURNING id
       ), conversation AS (
         INSERT INTO conversations (id, tenant_id, contact_id, phone_number_id, category, needs_attention,
                                    booking_status, booking_attempts, last_message_at, created_at, updated_at)
         SELECT gen_random_uuid(), :tenantId, contact.id, num.id, 'engaged', false, 'none', 0, :at, now(), now()
           FROM num, contact
         ON CONFLICT (tenant_id, phone_number_id, contact_id)
           DO UPDATE SET last_message_at = GREATEST(conversations.last_message_at, EXCLUDED.last_message_at),
                         updated_at = now()
         RETURNING id, tenant_id, service_titan_booking_id
       ), message AS (
         INSERT INTO messages (id, tenant_id, conversation_id, direction, body, status, twilio_sid,
                               num_media, media_urls, created_at, updated_at)
         SELECT gen_random_uuid(), :tenantId, conversation.id, 'inbound', :body, 'received', :sid,
                :numMedia, CAST(:mediaUrls AS jsonb), :at, now()
           FROM conversation
         ON CONFLICT (twilio_sid) DO NOTHING
       )
       SELECT conversation.id, conversation.service_titan_booking_id, ${notifyConversationUpdatedSql('conversation')}
         FROM conversation`,
      {
        replacements: {
          tenantId: message.tenantId,
          to: message.to,
          from: message.from,
          body: message.body,
          sid: message.messageSid,
          numMedia: message.numMedia,
          mediaUrls: JSON.stringify(message.mediaUrls),
          at: message.receivedAt,
        },
        type: QueryTypes.SELECT,
      },
    );
    const conversation = rows[0];
    if (!conversation) {
      throw ApplicationFailure.nonRetryable(`No phone number ${message.to} for tenant ${message.tenantId}`, 'UnknownNumber');
    }
    return { conversationId: conversation.id, bookingId: conversation.service_titan_booking_id };
  };
}
