// One campaign recipient at send time: what the checks need to know, and the state changes that make
// "one message per (campaign, contact)" hold — each guarded by the state it leaves, under a row lock.
import { QueryTypes } from 'sequelize';
import type { Database } from '../connection.ts';
import type { MessageStatus } from '../models/message.ts';

export type RecipientState = 'queued' | 'sending' | 'sent' | 'failed' | 'unknown' | 'skipped';

export interface RecipientRow {
  state: RecipientState;
  message_id: string | null;
  phone_number_id: string | null;
  not_before: Date | null;
}

export async function findRecipient(db: Database, campaignId: string, contactId: string): Promise<RecipientRow | null> {
  const [row] = await db.sequelize.query<RecipientRow>(
    `SELECT state, message_id, phone_number_id, not_before FROM campaign_recipients WHERE campaign_id = $campaignId AND contact_id = $contactId`,
    { type: QueryTypes.SELECT, bind: { campaignId, contactId } },
  );
  return row ?? null;
}

/** Several recipients of one campaign at once (a batch's), by contact id; absent ones are not in the map. */
export async function findRecipients(db: Database, campaignId: string, contactIds: string[]): Promise<Map<string, RecipientRow>> {
  const rows = await db.sequelize.query<RecipientRow & { contact_id: string }>(
    `SELECT contact_id, state, message_id, phone_number_id, not_before FROM campaign_recipients
      WHERE campaign_id = $campaignId AND contact_id = ANY($contactIds::uuid[])`,
    { type: QueryTypes.SELECT, bind: { campaignId, contactIds } },
  );
  return new Map(rows.map(({ contact_id, ...row }) => [contact_id, row]));
}

export interface RecipientFactsRow {
  phone: string;
  first_name: string | null;
  opted_out: boolean;
  marketing_consent: 'granted' | 'unknown' | 'revoked';
  time_zone: string | null;
  business: string;
  tenant_time_zone: string;
  needs_attention: boolean;
  /** When marketing texts of any campaign of the tenant went to them within the last `since`. */
  marketing_sent_at: Date[];
  /** Whether any campaign ever texted them (their first one carries the STOP line). */
  had_marketing: boolean;
}

export async function recipientFacts(db: Database, contactId: string, since: Date): Promise<RecipientFactsRow | null> {
  const [row] = await db.sequelize.query<RecipientFactsRow>(
    `SELECT c.phone, c.first_name, c.opted_out, c.marketing_consent, c.time_zone, t.name AS business, t.time_zone AS tenant_time_zone,
            EXISTS (SELECT 1 FROM conversations v WHERE v.contact_id = c.id AND v.needs_attention) AS needs_attention,
            ARRAY(SELECT h.sent_at FROM campaign_recipients h WHERE h.contact_id = c.id AND h.sent_at > $since) AS marketing_sent_at,
            EXISTS (SELECT 1 FROM campaign_recipients h WHERE h.contact_id = c.id AND h.sent_at IS NOT NULL) AS had_marketing
       FROM contacts c JOIN tenants t ON t.id = c.tenant_id
      WHERE c.id = $contactId`,
    { type: QueryTypes.SELECT, bind: { contactId, since } },
  );
  return row ? { ...row, marketing_sent_at: row.marketing_sent_at.map((d) => new Date(d)) } : null;
}

/**
 * The recipient's row, locked, found by its primary key: a lookup that names the state (`state = 'queued'`)
 * lets the planner pick a partial index on queued recipients that leads with other columns, and scan every
 * queued recipient of the campaign for the one contact. Statements lock the row this way and then check
 * its state by `ctid`. Binds `$campaignId` and `$contactId`.
 */
const oneRecipientRow = `SELECT ctid FROM campaign_recipients WHERE campaign_id = $campaignId AND contact_id = $contactId FOR UPDATE`;

export async function skipRecipient(db: Database, campaignId: string, contactId: string, reason: string): Promise<void> {
  await db.sequelize.query(
    `UPDATE campaign_recipients SET state = 'skipped', skip_reason = $reason, not_before = NULL, updated_at = now()
      WHERE ctid = (${oneRecipientRow}) AND state = 'queued'`,
    { bind: { campaignId, contactId, reason } },
  );
}

export async function deferRecipient(db: Database, campaignId: string, contactId: string, until: Date, because: string): Promise<void> {
  await db.sequelize.query(
    `UPDATE campaign_recipients SET not_before = $until, wait_reason = $because, updated_at = now()
      WHERE ctid = (${oneRecipientRow}) AND state = 'queued'`,
    { bind: { campaignId, contactId, until, because } },
  );
}

/**
 * - `claimed`: the recipient's message is written, already claimed for sending (`sending`, the claim's time
 *   now: this try sends it next without another write; a try that dies before Twilio's answer is recorded
 *   leaves it to the claim's lease, `unknown`, never resent), in their conversation with `phoneNumberId`,
 *   and the recipient is `sending` — one statement under the recipient's row lock.
 * - `taken`: the recipient was not `queued` any more (another try got there first); nothing is written.
 * - `held`: the campaign is not `sending` (paused or canceled: the person's word is in Postgres before the
 *   workflow hears it), read under the same lock; nothing is written.
 */
export type RecipientClaim = { outcome: 'claimed'; messageId: string } | { outcome: 'taken' } | { outcome: 'held' };

/**
 * A campaign text alone asks nothing of a CSR: a conversation it starts begins resolved, so a big campaign
 * never fills the open inbox; the customer's reply reopens it as the next episode (the lifecycle's rule),
 * which puts it in front of a person and books it if it needs one. The message names its author and
 * episode itself: its trigger could not see a conversation made by the same statement.
 */
const claimSql = `
WITH locked AS (${oneRecipientRow}),
target AS (
  SELECT r.contact_id FROM campaign_recipients r, campaigns c
   WHERE r.ctid = (SELECT ctid FROM locked) AND r.state = 'queued' AND c.id = $campaignId AND c.status = 'sending'),
made AS (
  INSERT INTO conversations (id, tenant_id, phone_number_id, contact_id, status, resolved_at, created_at, updated_at)
  SELECT gen_random_uuid(), $tenantId, $phoneNumberId, $contactId, 'resolved', now(), now(), now() FROM target
  ON CONFLICT (tenant_id, phone_number_id, contact_id) DO NOTHING
  RETURNING id, episode),
conversation AS (
  SELECT id, episode FROM made
  UNION ALL
  SELECT v.id, v.episode FROM conversations v, target
   WHERE v.tenant_id = $tenantId AND v.phone_number_id = $phoneNumberId AND v.contact_id = $contactId
  LIMIT 1),
message AS (
  INSERT INTO messages (id, tenant_id, conversation_id, direction, author, episode, body, status, num_media, media_urls, created_at, updated_at)
  SELECT gen_random_uuid(), $tenantId, conversation.id, 'outbound', 'system', conversation.episode, $body, 'sending', 0, '[]'::jsonb, now(), now()
    FROM conversation
  RETURNING id)
UPDATE campaign_recipients
   SET state = 'sending', message_id = message.id, phone_number_id = $phoneNumberId, body = $body,
       sent_at = $sentAt, not_before = NULL, updated_at = now()
  FROM message
 WHERE campaign_id = $campaignId AND contact_id = $contactId
RETURNING message.id AS message_id`;

export async function claimRecipient(
  db: Database,
  input: { campaignId: string; contactId: string; tenantId: string; phoneNumberId: string; body: string; sentAt: Date },
): Promise<RecipientClaim> {
  // Twice at most: what another transaction committed after the first try's snapshot (a conversation it
  // made, a change to the recipient's row) is seen by the second.
  for (let attempt = 0; attempt < 2; attempt++) {
    const [claimed] = await db.sequelize.query<{ message_id: string }>(claimSql, { type: QueryTypes.SELECT, bind: input });
    if (claimed) return { outcome: 'claimed', messageId: claimed.message_id };
    const [now] = await db.sequelize.query<{ state: RecipientState; campaign_status: string }>(
      `SELECT r.state, c.status AS campaign_status FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
        WHERE r.campaign_id = $campaignId AND r.contact_id = $contactId`,
      { type: QueryTypes.SELECT, bind: { campaignId: input.campaignId, contactId: input.contactId } },
    );
    if (now?.state !== 'queued') return { outcome: 'taken' };
    if (now.campaign_status !== 'sending') return { outcome: 'held' };
  }
  throw new Error(`campaign recipient ${input.contactId} kept changing while it was claimed`);
}

/**
 * Twilio took the recipient's message: its SID and status, and the recipient `sent`, in one statement. The
 * message keeps a status a callback already reported for the same SID (as recordAccepted does). No NOTIFY:
 * a campaign text leaves its conversation resolved and out of the open inbox, and Postgres serializes the
 * commits of every transaction that notifies (a lock held through the WAL flush), which capped a campaign
 * at the disk's flush rate.
 */
export async function recordCampaignTextAccepted(
  db: Database,
  input: { campaignId: string; contactId: string; messageId: string; sid: string; status: MessageStatus },
): Promise<void> {
  await db.sequelize.query(
    `WITH accepted AS (
       UPDATE messages SET twilio_sid = $sid, status = CASE WHEN twilio_sid IS NULL THEN $status ELSE status END, updated_at = now()
        WHERE id = $messageId AND (twilio_sid IS NULL OR twilio_sid = $sid))
     UPDATE campaign_recipients SET state = 'sent', error_code = NULL, updated_at = now()
      WHERE campaign_id = $campaignId AND contact_id = $contactId AND state = 'sending'`,
    { bind: input },
  );
}

export async function settleRecipient(db: Database, campaignId: string, contactId: string, state: 'sent' | 'failed' | 'unknown', errorCode: string | null): Promise<void> {
  await db.sequelize.query(
    `UPDATE campaign_recipients SET state = $state, error_code = $errorCode, updated_at = now()
      WHERE campaign_id = $campaignId AND contact_id = $contactId AND state = 'sending'`,
    { bind: { campaignId, contactId, state, errorCode } },
  );
}
