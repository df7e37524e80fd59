// Conversation changes are announced with Postgres NOTIFY so every API process can push them to
// the inbox over server-sent events, whichever worker made the change.
import type { Sequelize, Transaction } from 'sequelize';

export const conversationEventsChannel = 'conversation_updated';

export interface ConversationEvent {
  tenantId: string;
  id: string;
}

export async function notifyConversationUpdated(
  sequelize: Sequelize,
  event: ConversationEvent,
  transaction?: Transaction,
): Promise<void> {
  await sequelize.query('SELECT pg_notify(:channel, :payload)', {
    replacements: { channel: conversationEventsChannel, payload: JSON.stringify(event) },
    transaction,
  });
}

/**
 * The same notification as an SQL expression over a row source exposing `tenant_id` and `id`, for
 * statements that change a conversation and announce it in one round trip.
 */
export function notifyConversationUpdatedSql(row: string): string {
  return `pg_notify('${conversationEventsChannel}', json_build_object('tenantId', ${row}.tenant_id, 'id', ${row}.id)::text)`;
}
