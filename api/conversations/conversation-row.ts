// The SELECT list shared by the inbox list, the conversation view and the PATCH answer: the
// conversation, its contact, and its newest message through a LATERAL join (one index probe on
// messages (conversation_id, created_at) per row returned).
import { QueryTypes } from 'sequelize';
import type { Database } from '../../db/connection.ts';
import type { ConversationRow } from './present-conversation.ts';

/** `fromSql` must expose the conversations' columns as `cv`. */
export function conversationSelect(fromSql: string): string {
  return `
SELECT cv.id, cv.category, cv.needs_attention, cv.last_message_at, cv.created_at, cv.booking_status,
       cv.service_titan_booking_id, cv.service_titan_booking_created_at, cv.booking_attempts, cv.booking_last_error,
       cv.classification_confidence, cv.classification_reason, cv.classification_source,
       cv.status, cv.episode, cv.last_error, cv.past_episodes, cv.service_titan_job,
       ct.id AS contact_id, ct.first_name AS contact_first_name, ct.last_name AS contact_last_name,
       ct.phone AS contact_phone, ct.opted_out AS contact_opted_out,
       lm.direction AS last_direction, lm.author AS last_author, lm.body AS last_body, lm.created_at AS last_created_at
  FROM ${fromSql}
  JOIN contacts ct ON ct.id = cv.contact_id
  LEFT JOIN LATERAL (
    SELECT m.direction, m.author, m.body, m.created_at FROM messages m
     WHERE m.conversation_id = cv.id
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT 1
  ) lm ON true`;
}

/** One conversation of the tenant, or null (unknown, or another tenant's). */
export async function loadConversationRow(db: Database, tenantId: string, id: string): Promise<ConversationRow | null> {
  const [row] = await db.sequelize.query<ConversationRow>(
    `${conversationSelect('conversations cv')} WHERE cv.id = :id AND cv.tenant_id = :tenantId`,
    { replacements: { id, tenantId }, type: QueryTypes.SELECT },
  );
  return row ?? null;
}
