// The inbound message row is the outbox: the webhook stores contact, conversation (reopened as the next
// episode when it was resolved) and message in one statement, marked `relay_pending`, and answers; the
// relay then hands the message's id to the conversation's workflow and clears the mark. The statement
// does not NOTIFY (db/conversation-announcer.ts says why); its caller announces the change.
import { QueryTypes } from 'sequelize';
import type { InboundMessage } from '../../api/inbound/parse-inbound-webhook.ts';
import type { Database } from '../connection.ts';

/** What the relay needs to signal the message's workflow. */
export interface PendingInbound {
  messageId: string;
  tenantId: string;
  conversationId: string;
}

/**
 * One statement: atomic without an explicit transaction, one round trip. Every step hangs off the
 * number row (a number removed meanwhile writes nothing) and off "this MessageSid is new", so a
 * re-delivered webhook changes nothing (not even a resolved conversation's status). Returns null for a
 * MessageSid already stored.
 *
 * Reopening: a resolved conversation becomes `open` as episode N+1; the ended episode's booking and the
 * assistant's job are kept in `past_episodes` and their columns start over (migrations 0006 and 0016
 * explain the layout).
 */
export async function storeInboundMessage(db: Database, message: InboundMessage): Promise<PendingInbound | null> {
  const rows = await db.sequelize.query<{ message_id: string | null; conversation_id: string }>(
    `WITH num AS (
       SELECT id FROM phone_numbers
        WHERE phone = :to AND tenant_id = :tenantId
          AND NOT EXISTS (SELECT 1 FROM messages WHERE twilio_sid = :sid)
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
       ON CONFLICT (tenant_id, phone_number_id, contact_id) DO UPDATE SET
         last_message_at = GREATEST(conversations.last_message_at, EXCLUDED.last_message_at),
         updated_at = now(),
         status = 'open',
         resolved_at = NULL,
         episode = conversations.episode + CASE WHEN conversations.status = 'resolved' THEN 1 ELSE 0 END,
         past_episodes = CASE WHEN conversations.status = 'resolved'
           THEN conversations.past_episodes || jsonb_build_array(jsonb_build_object(
                  'episode', conversations.episode, 'bookingStatus', conversations.booking_status,
                  'serviceTitanBookingId', conversations.service_titan_booking_id,
                  'bookingLastError', conversations.booking_last_error,
                  'serviceTitanJob', conversations.service_titan_job))
           ELSE conversations.past_episodes END,
         booking_status = CASE WHEN conversations.status = 'resolved' THEN 'none' ELSE conversations.booking_status END,
         service_titan_booking_id = CASE WHEN conversations.status = 'resolved' THEN NULL ELSE conversations.service_titan_booking_id END,
         service_titan_booking_created_at = CASE WHEN conversations.status = 'resolved' THEN NULL ELSE conversations.service_titan_booking_created_at END,
         booking_attempts = CASE WHEN conversations.status = 'resolved' THEN 0 ELSE conversations.booking_attempts END,
         booking_last_error = CASE WHEN conversations.status = 'resolved' THEN NULL ELSE conversations.booking_last_error END,
         service_titan_job = CASE WHEN conversations.status = 'resolved' THEN NULL ELSE conversations.service_titan_job END
       RETURNING id, tenant_id, episode
     ), message AS (
       INSERT INTO messages (id, tenant_id, conversation_id, direction, author, episode, body, status, twilio_sid,
                             num_media, media_urls, relay_pending, created_at, updated_at)
       SELECT gen_random_uuid(), :tenantId, conversation.id, 'inbound', 'customer', conversation.episode, :body, 'received', :sid,
              :numMedia, CAST(:mediaUrls AS jsonb), true, :at, now()
         FROM conversation
       ON CONFLICT (twilio_sid) DO NOTHING
       RETURNING id
     )
     SELECT (SELECT id FROM message) AS message_id, conversation.id AS conversation_id FROM conversation`,
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
  const row = rows[0];
  if (!row?.message_id) return null;
  return { messageId: row.message_id, tenantId: message.tenantId, conversationId: row.conversation_id };
}

/**
 * Messages still to hand to their workflow, oldest first, skipping the ones this process is delivering.
 * `olderThanMs` leaves fresh rows to the process that stored them (0 takes everything).
 */
export async function pendingInboundMessages(
  db: Database,
  { limit, olderThanMs, excludeIds }: { limit: number; olderThanMs: number; excludeIds: string[] },
): Promise<PendingInbound[]> {
  const rows = await db.sequelize.query<{ id: string; tenant_id: string; conversation_id: string }>(
    `SELECT id, tenant_id, conversation_id FROM messages
      WHERE relay_pending
        AND created_at <= clock_timestamp() - make_interval(secs => :olderThanSeconds)
        AND NOT (id = ANY(CAST(:excludeIds AS uuid[])))
      ORDER BY created_at, id
      LIMIT :limit`,
    {
      replacements: { limit, olderThanSeconds: olderThanMs / 1000, excludeIds: `{${excludeIds.join(',')}}` },
      type: QueryTypes.SELECT,
    },
  );
  return rows.map((r) => ({ messageId: r.id, tenantId: r.tenant_id, conversationId: r.conversation_id }));
}

/** The workflow has these messages (its signal was accepted). */
export async function markInboundSignalled(db: Database, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await db.sequelize.query(`UPDATE messages SET relay_pending = false WHERE id = ANY(CAST(:ids AS uuid[])) AND relay_pending`, {
    replacements: { ids: `{${messageIds.join(',')}}` },
  });
}
