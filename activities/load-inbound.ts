import { ApplicationFailure } from '@temporalio/activity';
import { QueryTypes } from 'sequelize';
import { routeInbound, type InboundRoute } from '../domain/conversation-rules.ts';
import type { ActivityDeps } from './types.ts';

/** Null when the message was already filed (a message signalled twice is filed once). */
export type InboundToFile = { route: InboundRoute } | null;

/** Reads a stored inbound message by id and routes it (keyword, HELP, or the classifier). */
export function loadInbound({ db }: Pick<ActivityDeps, 'db'>) {
  return async ({ messageId }: { messageId: string }): Promise<InboundToFile> => {
    const [row] = await db.sequelize.query<{ body: string; filed_at: Date | null; opted_out: boolean }>(
      `SELECT m.body, m.filed_at, ct.opted_out
         FROM messages m
         JOIN conversations cv ON cv.id = m.conversation_id
         JOIN contacts ct ON ct.id = cv.contact_id
        WHERE m.id = :messageId AND m.direction = 'inbound'`,
      { replacements: { messageId }, type: QueryTypes.SELECT },
    );
    if (!row) throw ApplicationFailure.nonRetryable(`Inbound message ${messageId} is not stored`, 'MessageNotFound');
    return row.filed_at ? null : { route: routeInbound(row.body, row.opted_out) };
  };
}
