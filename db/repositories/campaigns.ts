// Campaigns and their recipients in PostgreSQL: the audience query, the frozen recipient list, progress
// counted from recipient and message states, and status changes guarded by the state they start from.
// Arrays travel as bind parameters ($name): node-postgres sends them as real PostgreSQL arrays.
import { QueryTypes, type Transaction } from 'sequelize';
import type { CampaignCounts, CampaignStatus } from '../../contract/campaigns.ts';
import type { Database } from '../connection.ts';

export interface CampaignRow {
  id: string;
  tenant_id: string;
  name: string;
  body: string;
  from_number_ids: string[];
  audience_tags: string[];
  status: CampaignStatus;
  send_at: Date | null;
  messages_per_second: number;
  skip_needs_attention: boolean;
  recent_marketing_days: number;
  audience_count: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface NewCampaign {
  id: string;
  tenantId: string;
  userId: string;
  name: string;
  body: string;
  fromNumberIds: string[];
  tags: string[];
  sendAt: Date | null;
  messagesPerSecond: number;
  skipNeedsAttention: boolean;
  recentMarketingDays: number;
  audienceCount: number;
}

/**
 * Who a campaign is for: the tenant's contacts with marketing consent, not opted out, carrying any of the
 * tags (no tags: every such contact). `$tenantId` and `$tags` must be bound.
 */
const audienceWhere = `c.tenant_id = $tenantId AND c.marketing_consent = 'granted' AND NOT c.opted_out
  AND (cardinality($tags::text[]) = 0 OR c.tags && $tags::text[])`;

/**
 * Who becomes a recipient when the campaign starts: every contact carrying the tags, consented or not — the
 * checks at send time then skip the ones without consent or opted out, each counted under its reason.
 */
const taggedWhere = `c.tenant_id = $tenantId AND (cardinality($tags::text[]) = 0 OR c.tags && $tags::text[])`;

export async function countAudience(db: Database, tenantId: string, tags: string[]): Promise<number> {
  const [row] = await db.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM contacts c WHERE ${audienceWhere}`, {
    type: QueryTypes.SELECT,
    bind: { tenantId, tags },
  });
  return Number(row?.n ?? 0);
}

export async function sampleAudienceContact(db: Database, tenantId: string, tags: string[]): Promise<{ first_name: string | null } | null> {
  const [row] = await db.sequelize.query<{ first_name: string | null }>(
    `SELECT c.first_name FROM contacts c WHERE ${audienceWhere} ORDER BY (c.first_name IS NULL), c.created_at LIMIT 1`,
    { type: QueryTypes.SELECT, bind: { tenantId, tags } },
  );
  return row ?? null;
}

export async function createCampaign(db: Database, c: NewCampaign): Promise<void> {
  await db.sequelize.query(
    `INSERT INTO campaigns (id, tenant_id, created_by_user_id, name, body, from_number_ids, audience_tags, send_at,
                            messages_per_second, skip_needs_attention, recent_marketing_days, audience_count)
     VALUES ($id, $tenantId, $userId, $name, $body, $fromNumberIds::uuid[], $tags::text[], $sendAt,
             $messagesPerSecond, $skipNeedsAttention, $recentMarketingDays, $audienceCount)`,
    { bind: { ...c } },
  );
}

export async function findCampaign(db: Database, tenantId: string, id: string, transaction?: Transaction): Promise<CampaignRow | null> {
  const [row] = await db.sequelize.query<CampaignRow>(
    `SELECT * FROM campaigns WHERE tenant_id = $tenantId AND id = $id${transaction ? ' FOR UPDATE' : ''}`,
    { type: QueryTypes.SELECT, bind: { tenantId, id }, ...(transaction ? { transaction } : {}) },
  );
  return row ?? null;
}

export async function campaignById(db: Database, id: string): Promise<CampaignRow | null> {
  const [row] = await db.sequelize.query<CampaignRow>(`SELECT * FROM campaigns WHERE id = $id`, { type: QueryTypes.SELECT, bind: { id } });
  return row ?? null;
}

export async function listCampaigns(db: Database, tenantId: string, limit: number): Promise<CampaignRow[]> {
  return db.sequelize.query<CampaignRow>(`SELECT * FROM campaigns WHERE tenant_id = $tenantId ORDER BY created_at DESC, id DESC LIMIT $limit`, {
    type: QueryTypes.SELECT,
    bind: { tenantId, limit },
  });
}

/** Moves a campaign from one of `from` to `to`; false when it was in none of them (nothing changed). */
export async function moveCampaign(
  db: Database,
  id: string,
  from: readonly CampaignStatus[],
  to: CampaignStatus,
  stamp: { started?: boolean; finished?: boolean } = {},
): Promise<boolean> {
  const [, affected] = await db.sequelize.query(
    `UPDATE campaigns SET status = $to
        ${stamp.started ? ', started_at = COALESCE(started_at, now())' : ''}
        ${stamp.finished ? ', finished_at = COALESCE(finished_at, now())' : ''}
      WHERE id = $id AND status = ANY($from::text[])`,
    { bind: { id, from: [...from], to }, type: QueryTypes.UPDATE },
  );
  return Number(affected) > 0;
}

/**
 * Adds the next page of the audience (contacts after `afterContactId`, by id) to the campaign's recipients.
 * Each recipient's from-number is chosen here, once: the campaign number they already talk to (a reply
 * then threads into that conversation), else the campaign's numbers in turn, so every number gets an even
 * share and a queue of its own to send from at its own pace.
 * Idempotent on (campaign, contact): a page added twice (a retried activity) adds nobody twice.
 * Returns the last contact id of the page, or null when the audience is exhausted.
 */
export async function addRecipientPage(db: Database, campaign: CampaignRow, afterContactId: string | null, pageSize: number): Promise<string | null> {
  const [row] = await db.sequelize.query<{ last: string | null }>(
    `WITH page AS (
       SELECT c.id FROM contacts c
        WHERE ${taggedWhere} AND ($after::uuid IS NULL OR c.id > $after::uuid)
        ORDER BY c.id LIMIT $pageSize
     ), numbered AS (
       SELECT id, row_number() OVER (ORDER BY id) AS n FROM page
     ), added AS (
       INSERT INTO campaign_recipients (campaign_id, contact_id, tenant_id, phone_number_id)
       SELECT $campaignId, numbered.id, $tenantId,
              COALESCE(
                (SELECT v.phone_number_id FROM conversations v
                  WHERE v.contact_id = numbered.id AND v.phone_number_id = ANY($numbers::uuid[])
                  ORDER BY v.last_message_at DESC NULLS LAST LIMIT 1),
                ($numbers::uuid[])[1 + (numbered.n - 1) % cardinality($numbers::uuid[])])
         FROM numbered
       ON CONFLICT (campaign_id, contact_id) DO NOTHING
     )
     SELECT (SELECT id FROM page ORDER BY id DESC LIMIT 1) AS last`,
    {
      type: QueryTypes.SELECT,
      bind: {
        tenantId: campaign.tenant_id, tags: campaign.audience_tags, after: afterContactId, pageSize, campaignId: campaign.id, numbers: campaign.from_number_ids,
      },
    },
  );
  return row?.last ?? null;
}

/** The recipients are all added: audienceCount becomes the consented audience as it was at that moment. */
export async function freezeAudienceCount(db: Database, campaign: CampaignRow): Promise<void> {
  const n = await countAudience(db, campaign.tenant_id, campaign.audience_tags);
  await db.sequelize.query(`UPDATE campaigns SET audience_count = $n WHERE id = $id`, { bind: { id: campaign.id, n } });
}

/** Which of the campaign's from-numbers have queued recipients whose time has come (no `not_before`, or it passed). */
export async function numbersWithDueRecipients(db: Database, campaign: CampaignRow, now: Date): Promise<string[]> {
  const rows = await db.sequelize.query<{ id: string }>(
    `SELECT n.id FROM unnest($numbers::uuid[]) AS n (id)
      WHERE EXISTS (SELECT 1 FROM campaign_recipients r
                     WHERE r.campaign_id = $campaignId AND r.phone_number_id = n.id AND r.state = 'queued'
                       AND (r.not_before IS NULL OR r.not_before <= $now))
      ORDER BY n.id`,
    { type: QueryTypes.SELECT, bind: { campaignId: campaign.id, numbers: campaign.from_number_ids, now } },
  );
  return rows.map((r) => r.id);
}

/** The next due recipients of one from-number, by contact id after `afterContactId`. */
export async function dueRecipientsOf(
  db: Database,
  input: { campaignId: string; phoneNumberId: string; afterContactId: string | null; now: Date; limit: number },
): Promise<string[]> {
  const rows = await db.sequelize.query<{ contact_id: string }>(
    `SELECT contact_id FROM campaign_recipients
      WHERE campaign_id = $campaignId AND phone_number_id = $phoneNumberId AND state = 'queued'
        AND (not_before IS NULL OR not_before <= $now) AND ($after::uuid IS NULL OR contact_id > $after::uuid)
      ORDER BY contact_id LIMIT $limit`,
    { type: QueryTypes.SELECT, bind: { ...input, after: input.afterContactId } },
  );
  return rows.map((r) => r.contact_id);
}

/** The earliest `not_before` of the recipients still waiting, or null when none waits. */
export async function nextWaitingTime(db: Database, campaignId: string): Promise<Date | null> {
  const [row] = await db.sequelize.query<{ at: Date | null }>(
    `SELECT min(not_before) AS at FROM campaign_recipients WHERE campaign_id = $campaignId AND state = 'queued'`,
    { type: QueryTypes.SELECT, bind: { campaignId } },
  );
  return row?.at ? new Date(row.at) : null;
}

/** The campaign tenant's Twilio account (the auth token as stored: encrypted) and its from-numbers' phones by id. */
export interface SendingAccount {
  accountSid: string;
  authToken: string;
  phones: Record<string, string>;
}

export async function campaignSendingAccount(db: Database, campaign: CampaignRow): Promise<SendingAccount | null> {
  const [row] = await db.sequelize.query<{ account_sid: string | null; auth_token: string | null; phones: Record<string, string> | null }>(
    `SELECT t.twilio_account_sid AS account_sid, t.twilio_auth_token AS auth_token,
            (SELECT jsonb_object_agg(n.id, n.phone) FROM phone_numbers n WHERE n.tenant_id = t.id AND n.id = ANY($numbers::uuid[])) AS phones
       FROM tenants t WHERE t.id = $tenantId`,
    { type: QueryTypes.SELECT, bind: { tenantId: campaign.tenant_id, numbers: campaign.from_number_ids } },
  );
  if (!row?.account_sid || !row.auth_token) return null;
  return { accountSid: row.account_sid, authToken: row.auth_token, phones: row.phones ?? {} };
}

interface CountRow {
  campaign_id: string;
  queued: string;
  waiting: string;
  sent: string;
  delivered: string;
  failed: string;
  unknown: string;
  skipped: string;
  replied: string;
  opted_out: string;
}

export const emptyCounts: CampaignCounts = { queued: 0, sent: 0, delivered: 0, failed: 0, unknown: 0, skipped: 0, replied: 0, optedOut: 0, waiting: 0 };

/**
 * Progress of campaigns, from Postgres alone. A recipient's outcome after the send follows its message's
 * status (Twilio's callbacks): an `unknown` send that Twilio later reports delivered counts as sent and
 * delivered; a message reported failed or undelivered (30007 carrier filtering…) counts as failed.
 */
export async function campaignCounts(db: Database, campaignIds: string[]): Promise<Map<string, CampaignCounts>> {
  const out = new Map<string, CampaignCounts>();
  if (campaignIds.length === 0) return out;
  const rows = await db.sequelize.query<CountRow>(
    `WITH r AS (
       SELECT r.campaign_id, r.state, r.not_before, m.status AS message_status, m.created_at AS message_at, m.conversation_id,
              c.opted_out, c.opted_out_at,
              CASE WHEN r.state IN ('queued', 'sending') THEN 'queued'
                   WHEN r.state = 'skipped' THEN 'skipped'
                   WHEN r.state = 'failed' OR m.status IN ('failed', 'undelivered', 'canceled') THEN 'failed'
                   WHEN m.status IS NULL OR m.status = 'unknown' THEN 'unknown'
                   ELSE 'sent' END AS outcome
         FROM campaign_recipients r
         JOIN contacts c ON c.id = r.contact_id
         LEFT JOIN messages m ON m.id = r.message_id
        WHERE r.campaign_id = ANY($ids::uuid[])
     )
     SELECT campaign_id,
            count(*) FILTER (WHERE outcome = 'queued') AS queued,
            count(*) FILTER (WHERE state = 'queued' AND not_before IS NOT NULL) AS waiting,
            count(*) FILTER (WHERE outcome = 'sent') AS sent,
            count(*) FILTER (WHERE outcome = 'sent' AND message_status IN ('delivered', 'read')) AS delivered,
            count(*) FILTER (WHERE outcome = 'failed') AS failed,
            count(*) FILTER (WHERE outcome = 'unknown') AS unknown,
            count(*) FILTER (WHERE outcome = 'skipped') AS skipped,
            count(*) FILTER (WHERE message_at IS NOT NULL AND EXISTS (
              SELECT 1 FROM messages i WHERE i.conversation_id = r.conversation_id AND i.direction = 'inbound' AND i.created_at > r.message_at
            )) AS replied,
            count(*) FILTER (WHERE message_at IS NOT NULL AND opted_out AND opted_out_at >= message_at) AS opted_out
       FROM r GROUP BY campaign_id`,
    { type: QueryTypes.SELECT, bind: { ids: campaignIds } },
  );
  for (const id of campaignIds) out.set(id, { ...emptyCounts });
  for (const r of rows) {
    out.set(r.campaign_id, {
      queued: Number(r.queued),
      waiting: Number(r.waiting),
      sent: Number(r.sent),
      delivered: Number(r.delivered),
      failed: Number(r.failed),
      unknown: Number(r.unknown),
      skipped: Number(r.skipped),
      replied: Number(r.replied),
      optedOut: Number(r.opted_out),
    });
  }
  return out;
}

export async function skippedReasons(db: Database, campaignIds: string[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  for (const id of campaignIds) out.set(id, {});
  if (campaignIds.length === 0) return out;
  const rows = await db.sequelize.query<{ campaign_id: string; reason: string; n: string }>(
    `SELECT campaign_id, skip_reason AS reason, count(*) AS n FROM campaign_recipients
      WHERE campaign_id = ANY($ids::uuid[]) AND state = 'skipped' GROUP BY campaign_id, skip_reason`,
    { type: QueryTypes.SELECT, bind: { ids: campaignIds } },
  );
  for (const r of rows) (out.get(r.campaign_id) ?? {})[r.reason] = Number(r.n);
  return out;
}

/** How long until the from-number's next slot (0: now). A cheap look before a send's checks, which a send that may not go yet need not make. */
export async function sendSlotWaitMs(db: Database, phoneNumberId: string): Promise<number> {
  const [row] = await db.sequelize.query<{ wait_ms: number }>(
    `SELECT (extract(epoch FROM next_slot_at - clock_timestamp()) * 1000)::float AS wait_ms FROM phone_number_send_pace WHERE phone_number_id = $id`,
    { type: QueryTypes.SELECT, bind: { id: phoneNumberId } },
  );
  return Math.max(0, row?.wait_ms ?? 0);
}

/** A from-number's pace, asked right before a send: the slot is this send's, or the send waits `waitMs`. */
export type SendSlot = { taken: true; nextInMs: number } | { taken: false; waitMs: number };

/**
 * Takes the from-number's send slot if its time has come (GCRA: the next slot moves one interval on from
 * max(the slot, now − two intervals)). Never books a slot ahead: a send that may not go yet holds nothing —
 * no slot of the number, no worker — and its campaign waits in a workflow timer. A send taken up to two
 * intervals late keeps the number's schedule, and the sends after it catch up: the timer, the workflow task
 * and the activity before the take all add latency on every send, and the rate must not lose it. The cost:
 * after an idle spell three sends may go back to back. A number's first send is taken as one after an idle
 * spell (the same next slot): a schedule that began one interval after that send, which comes late, would
 * stand ahead of the lane's turns for good and turn each of them back once. One statement per try, so every
 * worker of every campaign sharing the number shares its pace.
 */
export async function takeSendSlot(db: Database, phoneNumberId: string, intervalMs: number): Promise<SendSlot> {
  const [taken] = await db.sequelize.query<{ next_in_ms: number }>(
    `INSERT INTO phone_number_send_pace AS p (phone_number_id, next_slot_at)
     VALUES ($id, clock_timestamp() - make_interval(secs => $interval / 1000.0))
     ON CONFLICT (phone_number_id) DO UPDATE
       SET next_slot_at = GREATEST(p.next_slot_at, clock_timestamp() - make_interval(secs => 2 * $interval / 1000.0))
                          + make_interval(secs => $interval / 1000.0)
       WHERE p.next_slot_at <= clock_timestamp()
     RETURNING (extract(epoch FROM next_slot_at - clock_timestamp()) * 1000)::float AS next_in_ms`,
    { type: QueryTypes.SELECT, bind: { id: phoneNumberId, interval: intervalMs } },
  );
  if (taken) return { taken: true, nextInMs: Math.max(0, taken.next_in_ms) };
  const [row] = await db.sequelize.query<{ wait_ms: number }>(
    `SELECT (extract(epoch FROM next_slot_at - clock_timestamp()) * 1000)::float AS wait_ms FROM phone_number_send_pace WHERE phone_number_id = $id`,
    { type: QueryTypes.SELECT, bind: { id: phoneNumberId } },
  );
  // Another send took it between the two statements: try again soon.
  return { taken: false, waitMs: Math.max(1, row?.wait_ms ?? 1) };
}
