import { QueryTypes } from 'sequelize';
import { notifyConversationUpdatedSql } from '../db/conversation-events.ts';
import type { BookingStatus, Category } from '../workflows/definitions.ts';
import type { ActivityDeps } from './types.ts';

export interface Lifecycle {
  status: 'open' | 'resolved';
  episode: number;
  category: Category;
  bookingStatus: BookingStatus;
  /** When (ms since the epoch) the conversation will have been idle for the tenant's idle time. */
  idleAt: number;
}

const idleSince = 'COALESCE(cv.last_message_at, cv.created_at) + make_interval(secs => t.conversation_idle_seconds)';
/** `idleAt` of a conversation `cv` joined to its tenant `t`. */
export const idleAtSql = `(EXTRACT(EPOCH FROM ${idleSince}) * 1000)::bigint`;

/** Where the conversation stands, for the workflow's loop: end the run, or sleep until it goes idle. */
export function conversationLifecycle({ db }: Pick<ActivityDeps, 'db'>) {
  return async ({ conversationId }: { conversationId: string }): Promise<Lifecycle> => {
    const [row] = await db.sequelize.query<{ status: Lifecycle['status']; episode: number; category: Category; booking_status: BookingStatus; idle_at: string }>(
      `SELECT cv.status, cv.episode, cv.category, cv.booking_status, ${idleAtSql} AS idle_at
         FROM conversations cv JOIN tenants t ON t.id = cv.tenant_id
        WHERE cv.id = :conversationId`,
      { replacements: { conversationId }, type: QueryTypes.SELECT },
    );
    // A conversation that is gone has nothing left to do: the run ends.
    if (!row) return { status: 'resolved', episode: 1, category: 'engaged', bookingStatus: 'none', idleAt: 0 };
    return { status: row.status, episode: row.episode, category: row.category, bookingStatus: row.booking_status, idleAt: Number(row.idle_at) };
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
