import { QueryTypes } from 'sequelize';
import type { Database } from '../db/connection.ts';
import type { TranscriptMessage } from '../domain/conversation-summary.ts';

/** What a booking is made of: who, which business and number, and the newest messages. */
export interface BookingContext {
  category: 'engaged' | 'opt_out' | 'complaint';
  contactId: string;
  tenantName: string;
  ourNumber: string;
  contact: { firstName: string | null; lastName: string | null; phone: string; email: string | null };
  lastInboundMessage: string;
  /** Oldest first. */
  recentMessages: TranscriptMessage[];
}

interface Row {
  category: BookingContext['category'];
  contact_id: string;
  tenant_name: string;
  our_number: string;
  first_name: string | null;
  last_name: string | null;
  phone: string;
  email: string | null;
  last_inbound: string | null;
  recent: TranscriptMessage[] | null;
}

/** One round trip for everything the booking needs from Postgres; null if the conversation is gone. */
export async function loadBookingContext(db: Database, conversationId: string, maxMessages: number): Promise<BookingContext | null> {
  const [row] = await db.sequelize.query<Row>(
    `SELECT cv.category, cv.contact_id, t.name AS tenant_name, pn.phone AS our_number,
            ct.first_name, ct.last_name, ct.phone, ct.email,
            (SELECT m.body FROM messages m
              WHERE m.conversation_id = cv.id AND m.direction = 'inbound' AND m.episode = cv.episode
              ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS last_inbound,
            (SELECT json_agg(json_build_object('direction', r.direction, 'body', r.body) ORDER BY r.created_at, r.id)
               FROM (SELECT direction, body, created_at, id FROM messages
                      WHERE conversation_id = cv.id AND episode = cv.episode
                      ORDER BY created_at DESC, id DESC LIMIT :maxMessages) r) AS recent
       FROM conversations cv
       JOIN tenants t ON t.id = cv.tenant_id
       JOIN phone_numbers pn ON pn.id = cv.phone_number_id
       JOIN contacts ct ON ct.id = cv.contact_id
      WHERE cv.id = :conversationId`,
    { replacements: { conversationId, maxMessages }, type: QueryTypes.SELECT },
  );
  if (!row) return null;
  return {
    category: row.category,
    contactId: row.contact_id,
    tenantName: row.tenant_name,
    ourNumber: row.our_number,
    contact: { firstName: row.first_name, lastName: row.last_name, phone: row.phone, email: row.email },
    lastInboundMessage: row.last_inbound ?? '',
    recentMessages: row.recent ?? [],
  };
}
