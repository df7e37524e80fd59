// One campaign recipient at send time: what the checks need to know, and the state changes that make
// "one message per (campaign, contact)" hold — each guarded by the state it leaves, under a row lock.
import { QueryTypes } from 'sequelize';
import type { Database } from '../connection.ts';

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

export async function skipRecipient(db: Database, campaignId: string, contactId: string, reason: string): Promise<void> {
  await db.sequelize.query(
    `UPDATE campaign_recipients SET state = 'skipped', skip_reason = $reason, not_before = NULL, updated_at = now()
      WHERE campaign_id = $campaignId AND contact_id = $contactId AND state = 'queued'`,
    { bind: { campaignId, contactId, reason } },
  );
}

export async function deferRecipient(db: Database, campaignId: string, contactId: string, until: Date, because: string): Promise<void> {
  await db.sequelize.query(
    `UPDATE campaign_recipients SET not_before = $until, wait_reason = $because, updated_at = now()
      WHERE campaign_id = $campaignId AND contact_id = $contactId AND state = 'queued'`,
    { bind: { campaignId, contactId, until, because } },
  );
}

/**
 * - `claimed`: the recipient's message is written (claimed for sending, in their conversation with `phoneNumberId`) and
 *   the recipient is `sending`, in one transaction under the recipient's row lock.
 * - `taken`: the recipient was not `queued` any more (another try got there first); nothing is written.
 * - `held`: the campaign is not `sending` (paused or canceled: the person's word is in Postgres before the
 *   workflow hears it), read in the same statement as the lock; nothing is written.
 */
export type RecipientClaim = { outcome: 'claimed'; messageId: string } | { outcome: 'taken' } | { outcome: 'held' };

export async function claimRecipient(
  db: Database,
  input: { campaignId: string; contactId: string; tenantId: string; phoneNumberId: string; body: string; sentAt: Date },
): Promise<RecipientClaim> {
  const { sequelize, models } = db;
  return sequelize.transaction(async (transaction): Promise<RecipientClaim> => {
    const [locked] = await sequelize.query<{ state: RecipientState; campaign_status: string }>(
      `SELECT r.state, c.status AS campaign_status FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
        WHERE r.campaign_id = $campaignId AND r.contact_id = $contactId FOR UPDATE OF r`,
      { type: QueryTypes.SELECT, bind: { campaignId: input.campaignId, contactId: input.contactId }, transaction },
    );
    if (locked?.state !== 'queued') return { outcome: 'taken' };
    if (locked.campaign_status !== 'sending') return { outcome: 'held' };
    // A campaign text alone asks nothing of a CSR: a conversation it starts begins resolved, so a big
    // campaign never fills the open inbox; the customer's reply reopens it as the next episode (the
    // lifecycle's rule), which puts it in front of a person and books it if it needs one.
    const where = { tenantId: input.tenantId, phoneNumberId: input.phoneNumberId, contactId: input.contactId };
    const [made] = await sequelize.query<{ id: string }>(
      `WITH made AS (
         INSERT INTO conversations (id, tenant_id, phone_number_id, contact_id, status, resolved_at, created_at, updated_at)
         VALUES (gen_random_uuid(), $tenantId, $phoneNumberId, $contactId, 'resolved', now(), now(), now())
         ON CONFLICT (tenant_id, phone_number_id, contact_id) DO NOTHING RETURNING id)
       SELECT id FROM made
       UNION ALL SELECT id FROM conversations WHERE tenant_id = $tenantId AND phone_number_id = $phoneNumberId AND contact_id = $contactId
       LIMIT 1`,
      { type: QueryTypes.SELECT, bind: where, transaction },
    );
    // Another transaction made it after this statement's snapshot was taken: it is there now.
    const conversationId =
      made?.id ??
      (await models.Conversation.findOne({ where, attributes: ['id'], transaction, rejectOnEmpty: true })).id;
    // The message (author and episode filled in by its trigger), written already claimed for sending
    // (`sending`, the claim's time now: this try sends it next, without another write), and the
    // recipient's claim on it. A try that dies before Twilio's answer is recorded leaves the message to
    // the claim's lease: `unknown`, never resent.
    const [claimed] = await sequelize.query<{ message_id: string }>(
      `WITH message AS (
         INSERT INTO messages (id, tenant_id, conversation_id, direction, body, status, num_media, media_urls, created_at, updated_at)
         VALUES (gen_random_uuid(), $tenantId, $conversationId, 'outbound', $body, 'sending', 0, '[]'::jsonb, now(), now())
         RETURNING id)
       UPDATE campaign_recipients
          SET state = 'sending', message_id = message.id, phone_number_id = $phoneNumberId, body = $body,
              sent_at = $sentAt, not_before = NULL, updated_at = now()
         FROM message
        WHERE campaign_id = $campaignId AND contact_id = $contactId
        RETURNING message.id AS message_id`,
      {
        type: QueryTypes.SELECT,
        bind: { tenantId: input.tenantId, conversationId, phoneNumberId: input.phoneNumberId, body: input.body, sentAt: input.sentAt, campaignId: input.campaignId, contactId: input.contactId },
        transaction,
      },
    );
    if (!claimed) throw new Error(`campaign recipient ${input.contactId} vanished under its lock`);
    return { outcome: 'claimed', messageId: claimed.message_id };
  });
}

export async function settleRecipient(db: Database, campaignId: string, contactId: string, state: 'sent' | 'failed' | 'unknown', errorCode: string | null): Promise<void> {
  await db.sequelize.query(
    `UPDATE campaign_recipients SET state = $state, error_code = $errorCode, updated_at = now()
      WHERE campaign_id = $campaignId AND contact_id = $contactId AND state = 'sending'`,
    { bind: { campaignId, contactId, state, errorCode } },
  );
}
