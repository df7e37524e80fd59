import { QueryTypes } from 'sequelize';
import { notifyConversationUpdatedSql } from '../db/conversation-events.ts';
import type { BookingStatus, Category } from '../workflows/definitions.ts';
import type { ActivityDeps } from './types.ts';

export interface Lifecycle {
  status: 'open' | 'resolved';
  episode: number;
  category: Category;
  bookingStatus: BookingStatus;
  /** How long until the conversation has been idle for the tenant's idle time (0: it has). */
  idleInMs: number;
}

const idleSince = 'COALESCE(cv.last_message_at, cv.created_at) + make_interval(secs => t.conversation_idle_seconds)';

/** Where the conversation stands, for the workflow's loop: end the run, or sleep until it goes idle. */
export function conversationLifecycle({ db }: Pick<ActivityDeps, 'db'>) {
  return async ({ conversationId }: { conversationId: string }): Promise<Lifecycle> => {
    const [row] = await db.sequelize.query<{ status: Lifecycle['status']; episode: number; category: Category; booking_status: BookingStatus; idle_in_ms: string }>(
      `SELECT cv.status, cv.episode, cv.category, cv.booking_status,
              GREATEST(0, ceil(EXTRACT(EPOCH FROM (${idleSince} - now())) * 1000))::bigint AS idle_in_ms
         FROM conversations cv JOIN tenants t ON t.id = cv.tenant_id
        WHERE cv.id = :conversationId`,
      { replacements: { conversationId }, type: QueryTypes.SELECT },
    );
    // A conversation that is gone has nothing left to do: the run ends.
    if (!row) return { status: 'resolved', episode: 1, category: 'engaged', bookingStatus: 'none', idleInMs: 0 };
    return { status: row.status, episode: row.episode, category: row.category, bookingStatus: row.booking_status, idleInMs: Number(row.idle_in_ms) };
  };
}

/** The idle timer fired: resolve the conversation unless a message came meanwhile. */
export function resolveIfIdle({ db }: Pick<ActivityDeps, 'db'>) {
  return async ({ conversationId }: { conversationId: string }): Promise<void> => {
    await db.sequelize.query(
      `WITH cv AS (
         UPDATE conversations cv SET status = 'resolved', resolved_at = now(), updated_at = now()
           FROM tenants t
          WHERE cv.id = :conversationId AND t.id = cv.tenant_id AND cv.status = 'open' AND ${idleSince} <= now()
          RETURNING cv.id, cv.tenant_id
       )
       SELECT ${notifyConversationUpdatedSql('cv')} FROM cv`,
      { replacements: { conversationId }, type: QueryTypes.SELECT },
    );
  };
}
