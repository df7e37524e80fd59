import { QueryTypes } from 'sequelize';
import type { Database } from '../db/connection.ts';
import type { CampaignReply, TranscriptMessage } from '../domain/conversation-summary.ts';

/** What a booking is made of: who, which business and number, the newest messages, and the campaign answered. */
export interface BookingContext {
  category: 'engaged' | 'opt_out' | 'complaint';
  contactId: string;
  tenantName: string;
  ourNumber: string;
  contact: { firstName: string | null; lastName: string | null; phone: string; email: string | null };
  lastInboundMessage: string;
  /** Oldest first. */
  recentMessages: TranscriptMessage[];
  /** The campaign text this episode answers, if it answers one. */
  campaign: CampaignReply | null;
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
  campaign: CampaignReply | null;
}

/**
 * One round trip for everything the booking needs from Postgres; null if the conversation is gone.
 *
 * The campaign an episode answers: the newest campaign text in this conversation that a customer message of
 * this episode came after, and that no customer message of an earlier episode answered already. A campaign
 * text usually ends its own (resolved) episode and the reply opens the next one, so it is not in this
 * episode's transcript; a reply months later, in a further episode, answers no campaign. A text that never
 * reached them (refused, failed, undelivered) is not one they could answer.
 */
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
                      ORDER BY created_at DESC, id DESC LIMIT :maxMessages) r) AS recent,
            (SELECT json_build_object('name', cp.name, 'text', COALESCE(cr.body, cm.body))
               FROM messages cm
               JOIN campaign_recipients cr ON cr.message_id = cm.id
               JOIN campaigns cp ON cp.id = cr.campaign_id
              WHERE cm.conversation_id = cv.id AND cm.direction = 'outbound'
                AND cr.state <> 'failed' AND cm.status NOT IN ('failed', 'undelivered', 'canceled')
                AND EXISTS (SELECT 1 FROM messages i
                             WHERE i.conversation_id = cv.id AND i.direction = 'inbound' AND i.episode = cv.episode
                               AND i.created_at > cm.created_at)
                AND NOT EXISTS (SELECT 1 FROM messages i
                                 WHERE i.conversation_id = cv.id AND i.direction = 'inbound' AND i.episode < cv.episode
                                   AND i.created_at > cm.created_at)
              ORDER BY cm.created_at DESC, cm.id DESC LIMIT 1) AS campaign
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
    campaign: row.campaign,
  };
}
