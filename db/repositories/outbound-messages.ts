// The state changes of an outbound message on its way through Twilio. Each one is a conditional UPDATE,
// so two tries of the send activity, the workflow giving up and a status callback can interleave in any
// order without a message being sent twice or a status Twilio reported being overwritten by a guess.
//
//   queued ──claim──▶ sending ──accepted──▶ queued/…  (Twilio SID known; callbacks take it from here)
//                        │ ├──not sent────▶ queued   (the next try may send it)
//                        │ └──lost answer─▶ unknown  (never sent again automatically)
//                        └──a later try found it still `sending` after the claim's lease ran out ─▶ unknown
//                           (within the lease the try holding it may still be talking to Twilio: wait for it)
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection.ts';
import type { MessageStatus } from '../models/message.ts';
import { statusAfterCallback, type CallbackStatus } from '../../domain/outbound-delivery.ts';
import { notifyConversationUpdatedSql } from '../conversation-events.ts';

export interface OutboundMessageRef {
  id: string;
  tenantId: string;
  conversationId: string;
}

interface Row {
  id: string;
  tenant_id: string;
  conversation_id: string;
  status: MessageStatus;
  twilio_sid: string | null;
}

const ref = (row: Row): OutboundMessageRef => ({ id: row.id, tenantId: row.tenant_id, conversationId: row.conversation_id });

async function update(db: Database, sql: string, replacements: Record<string, unknown>, transaction?: Transaction): Promise<Row | null> {
  const rows = await db.sequelize.query<Row>(`${sql} RETURNING id, tenant_id, conversation_id, status, twilio_sid`, {
    replacements,
    type: QueryTypes.SELECT,
    ...(transaction ? { transaction } : {}),
  });
  return rows[0] ?? null;
}

/** What one send needs: the message, who it goes to and from, and the tenant's Twilio account. */
export interface OutboundSendFacts {
  id: string;
  tenantId: string;
  conversationId: string;
  status: MessageStatus;
  twilioSid: string | null;
  body: string;
  to: string;
  contactOptedOut: boolean;
  from: string;
  twilioAccountSid: string | null;
  /** Encrypted at rest (SecretBox). */
  twilioAuthToken: string | null;
}

/** One round trip: a send is on the path of every campaign text and every reply. Null: no such outbound message. */
export async function outboundSendFacts(db: Database, messageId: string): Promise<OutboundSendFacts | null> {
  const [row] = await db.sequelize.query<OutboundSendFacts>(
    `SELECT m.id, m.tenant_id AS "tenantId", m.conversation_id AS "conversationId", m.status, m.twilio_sid AS "twilioSid", m.body,
            ct.phone AS "to", ct.opted_out AS "contactOptedOut", n.phone AS "from",
            t.twilio_account_sid AS "twilioAccountSid", t.twilio_auth_token AS "twilioAuthToken"
       FROM messages m
       JOIN conversations cv ON cv.id = m.conversation_id
       JOIN contacts ct ON ct.id = cv.contact_id
       JOIN phone_numbers n ON n.id = cv.phone_number_id
       JOIN tenants t ON t.id = cv.tenant_id
      WHERE m.id = :messageId AND m.direction = 'outbound'`,
    { replacements: { messageId }, type: QueryTypes.SELECT },
  );
  return row ?? null;
}

/** The message's status and SID as they are now (after a claim found it taken). */
export async function outboundState(db: Database, messageId: string): Promise<{ status: MessageStatus; twilioSid: string | null } | null> {
  const [row] = await db.sequelize.query<{ status: MessageStatus; twilioSid: string | null }>(
    `SELECT status, twilio_sid AS "twilioSid" FROM messages WHERE id = :messageId`,
    { replacements: { messageId }, type: QueryTypes.SELECT },
  );
  return row ?? null;
}

/**
 * Takes a queued message for one send; false when it is not (or no longer) queued and unsent. The claim's
 * time is the row's `updated_at` (nothing else writes a `sending` row without settling it).
 */
export async function claimForSending(db: Database, messageId: string): Promise<boolean> {
  const row = await update(
    db,
    `UPDATE messages SET status = 'sending', updated_at = now()
      WHERE id = :messageId AND direction = 'outbound' AND status = 'queued' AND twilio_sid IS NULL`,
    { messageId },
  );
  return row !== null;
}

/**
 * Twilio took it. Keeps a status a callback already reported for the same SID (it is newer than the
 * creation answer); resolves `unknown` (a later try gave up on this one while its answer was on the way).
 * The conversation's change is announced in the same statement.
 */
export async function recordAccepted(db: Database, messageId: string, sid: string, status: MessageStatus): Promise<void> {
  await db.sequelize.query(
    `WITH accepted AS (
       UPDATE messages SET twilio_sid = :sid, status = CASE WHEN twilio_sid IS NULL THEN :status ELSE status END, updated_at = now()
        WHERE id = :messageId AND (twilio_sid IS NULL OR twilio_sid = :sid)
        RETURNING tenant_id, conversation_id AS id)
     SELECT ${notifyConversationUpdatedSql('accepted')} FROM accepted`,
    { replacements: { messageId, sid, status }, type: QueryTypes.SELECT },
  );
}

/**
 * A claim a later try found: `unknown` only once the claim is older than `leaseMs` (its try died, or
 * overran anything its Twilio request may take). A younger claim belongs to a try that may still be on
 * its way to Twilio or back, which then records the truth itself — even one Temporal already timed out
 * (an activity that is not heartbeating is not told), so calling it unknown early could leave a message
 * that never reached Twilio unsent for ever. Returns the row when it became unknown, null otherwise.
 */
export async function markAbandonedClaimUnknown(db: Database, messageId: string, leaseMs: number): Promise<OutboundMessageRef | null> {
  const row = await update(
    db,
    `UPDATE messages SET status = 'unknown', updated_at = now()
      WHERE id = :messageId AND status = 'sending' AND twilio_sid IS NULL
        AND updated_at < now() - make_interval(secs => :leaseMs / 1000.0)`,
    { messageId, leaseMs },
  );
  return row && ref(row);
}

/** Certainly not sent: back to `queued`, so the next try may send it. */
export async function releaseClaim(db: Database, messageId: string): Promise<void> {
  await update(db, `UPDATE messages SET status = 'queued', updated_at = now() WHERE id = :messageId AND status = 'sending' AND twilio_sid IS NULL`, {
    messageId,
  });
}

/**
 * The send may have reached Twilio and we cannot tell: `unknown`. Only a row still `sending` without a
 * SID: a status callback that already told us the truth is never overwritten by this guess.
 */
export async function markUnknown(db: Database, messageId: string): Promise<OutboundMessageRef | null> {
  const row = await update(
    db,
    `UPDATE messages SET status = 'unknown', updated_at = now() WHERE id = :messageId AND status = 'sending' AND twilio_sid IS NULL`,
    { messageId },
  );
  return row && ref(row);
}

/**
 * The workflow stopped trying. A message still `queued` was certainly never sent: `failed`, with the
 * reason. One still `sending` had a try in flight when the workflow gave up (the try timed out): its
 * outcome is `unknown`, not failed. A message with a SID or already `unknown` stays as it is.
 */
export async function recordGaveUp(db: Database, messageId: string, error: string): Promise<OutboundMessageRef | null> {
  const row = await update(
    db,
    `UPDATE messages
        SET status = CASE WHEN status = 'sending' THEN 'unknown' ELSE 'failed' END,
            error_code = CASE WHEN status = 'sending' THEN error_code ELSE :error END,
            updated_at = now()
      WHERE id = :messageId AND direction = 'outbound' AND twilio_sid IS NULL AND status IN ('queued', 'sending')`,
    { messageId, error: error.slice(0, 500) },
  );
  return row && ref(row);
}

export interface StatusCallbackUpdate {
  /** The tenants whose auth token signed the callback: nothing of another tenant is touched. */
  tenantIds: string[];
  messageSid: string;
  /** Our message id from the callback URL: finds a message whose send's answer was lost. */
  messageId: string | null;
  status: CallbackStatus;
  errorCode: string | null;
}

/**
 * Applies one status callback (rules in domain/outbound-delivery.ts). Finds the message by its Twilio
 * SID, or, when we never learned the SID, by our id in the callback URL — and then records the SID.
 * Returns the message when it changed, null when nothing of ours matched or nothing changed.
 */
export async function applyStatusCallback(db: Database, update: StatusCallbackUpdate): Promise<OutboundMessageRef | null> {
  if (update.tenantIds.length === 0) return null;
  const { sequelize } = db;
  return sequelize.transaction(async (transaction) => {
    const [row] = await sequelize.query<Row>(
      `SELECT id, tenant_id, conversation_id, status, twilio_sid FROM messages
        WHERE tenant_id IN (:tenantIds) AND direction = 'outbound'
          AND (twilio_sid = :messageSid OR (id = CAST(:messageId AS uuid) AND twilio_sid IS NULL))
        ORDER BY (twilio_sid IS NOT NULL) DESC
        LIMIT 1
        FOR UPDATE`,
      { replacements: { tenantIds: update.tenantIds, messageSid: update.messageSid, messageId: update.messageId }, type: QueryTypes.SELECT, transaction },
    );
    if (!row) return null;
    const next = statusAfterCallback({ status: row.status, twilioSid: row.twilio_sid }, update.status);
    if (next === null) return null;
    await sequelize.query(
      // A reason we wrote while guessing (no SID yet) gives way to what Twilio reports.
      `UPDATE messages
          SET status = :next,
              error_code = CASE WHEN twilio_sid IS NULL THEN :errorCode ELSE COALESCE(:errorCode, error_code) END,
              twilio_sid = :messageSid, updated_at = now()
        WHERE id = :id`,
      { replacements: { id: row.id, messageSid: update.messageSid, next, errorCode: update.errorCode }, transaction },
    );
    return ref(row);
  });
}
