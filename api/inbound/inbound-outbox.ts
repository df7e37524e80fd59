// The Postgres side of inbound hand-off. Every accepted webhook is one INSERT here before Twilio gets its
// 200; the dispatcher then signals Temporal and marks the row delivered. `message_sid` is unique, so a
// re-delivered webhook is absorbed at the door.
import { QueryTypes } from 'sequelize';
import type { Database } from '../../db/connection.ts';
import { conversationWorkflowId, type InboundMessage } from '../../workflows/definitions.ts';

export interface OutboxEntry {
  id: string;
  workflowId: string;
  message: InboundMessage;
}

/** Stores the message; returns the new entry, or null when this MessageSid was already accepted. */
export async function insertIntoOutbox(db: Database, message: InboundMessage): Promise<OutboxEntry | null> {
  const workflowId = conversationWorkflowId(message.tenantId, message.to, message.from);
  const rows = await db.sequelize.query<{ id: string }>(
    `INSERT INTO inbound_outbox (id, message_sid, workflow_id, payload, attempts, created_at)
     VALUES (gen_random_uuid(), :sid, :workflowId, CAST(:payload AS jsonb), 0, clock_timestamp())
     ON CONFLICT (message_sid) DO NOTHING
     RETURNING id`,
    {
      replacements: { sid: message.messageSid, workflowId, payload: JSON.stringify(message) },
      type: QueryTypes.SELECT,
    },
  );
  const id = rows[0]?.id;
  return id ? { id, workflowId, message } : null;
}

/**
 * Undelivered entries in arrival order, skipping the ones this process is delivering right now.
 * `olderThanMs` leaves fresh rows to the process that accepted them (0 takes everything).
 */
export async function pendingOutboxEntries(
  db: Database,
  { limit, olderThanMs, excludeIds }: { limit: number; olderThanMs: number; excludeIds: string[] },
): Promise<OutboxEntry[]> {
  const rows = await db.sequelize.query<{ id: string; workflow_id: string; payload: InboundMessage }>(
    `SELECT id, workflow_id, payload
       FROM inbound_outbox
      WHERE delivered_at IS NULL
        AND created_at <= clock_timestamp() - make_interval(secs => :olderThanSeconds)
        AND NOT (id = ANY(CAST(:excludeIds AS uuid[])))
      ORDER BY created_at, id
      LIMIT :limit`,
    {
      replacements: { limit, olderThanSeconds: olderThanMs / 1000, excludeIds: `{${excludeIds.join(',')}}` },
      type: QueryTypes.SELECT,
    },
  );
  return rows.map((r) => ({ id: r.id, workflowId: r.workflow_id, message: r.payload }));
}

export async function markOutboxDelivered(db: Database, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.sequelize.query(
    `UPDATE inbound_outbox SET delivered_at = now(), attempts = attempts + 1
      WHERE id = ANY(CAST(:ids AS uuid[])) AND delivered_at IS NULL`,
    { replacements: { ids: `{${ids.join(',')}}` } },
  );
}

export async function recordOutboxFailure(db: Database, id: string, error: string): Promise<void> {
  await db.sequelize.query(`UPDATE inbound_outbox SET attempts = attempts + 1, last_error = :error WHERE id = :id`, {
    replacements: { id, error: error.slice(0, 1000) },
  });
}

/** Delivered rows are only an audit trail; they are kept for `retentionDays`. */
export async function pruneDeliveredOutbox(db: Database, retentionDays: number): Promise<number> {
  const [, meta] = await db.sequelize.query(
    `DELETE FROM inbound_outbox WHERE delivered_at < now() - make_interval(days => :days)`,
    { replacements: { days: retentionDays } },
  );
  return (meta as { rowCount?: number } | undefined)?.rowCount ?? 0;
}
