// A person resolves a conversation (it leaves the open inbox; the next inbound message reopens it as the
// next episode) or reopens it (same episode). The database changes first; the workflow is then told, so a
// run ends once nothing is in flight, or a reopened conversation gets a run that resolves it when idle.
import type { Database } from '../../db/connection.ts';
import { notifyConversationUpdated } from '../../db/conversation-events.ts';
import type { Logger } from '../../logging/logger.ts';
import { conversationChangedSignal } from '../../workflows/definitions.ts';
import { signalConversation, type ConversationTemporal } from '../temporal/signal-conversation.ts';
import { loadConversationRow } from './conversation-row.ts';
import { conversationNotFound } from './get-conversation.ts';
import { presentConversationDetail, type ConversationDetailView } from './present-conversation.ts';

export interface LifecycleDeps extends ConversationTemporal {
  logger: Logger;
}

export async function setConversationStatus(
  db: Database,
  deps: LifecycleDeps,
  tenantId: string,
  id: string,
  change: 'resolved' | 'reopened',
): Promise<ConversationDetailView> {
  const resolved = change === 'resolved';
  const [, meta] = await db.sequelize.query(
    `UPDATE conversations SET status = :status, resolved_at = ${resolved ? 'COALESCE(resolved_at, now())' : 'NULL'}, updated_at = now()
      WHERE id = :id AND tenant_id = :tenantId`,
    { replacements: { id, tenantId, status: resolved ? 'resolved' : 'open' } },
  );
  if (!rowCount(meta)) throw conversationNotFound();
  await notifyConversationUpdated(db.sequelize, { tenantId, id });
  // Best effort: without the signal a running run still finds the status when it next looks (at the latest
  // when its idle timer fires), and a reopened one gets a run with the next inbound message.
  await signalConversation(deps, { tenantId, conversationId: id }, conversationChangedSignal, [{ change }]).catch((err: unknown) =>
    deps.logger.warn('could not tell the workflow about a status change', { conversationId: id, change, error: err }),
  );
  const row = await loadConversationRow(db, tenantId, id);
  if (!row) throw conversationNotFound();
  return presentConversationDetail(row);
}

function rowCount(meta: unknown): number {
  if (typeof meta === 'number') return meta;
  if (meta && typeof meta === 'object' && 'rowCount' in meta && typeof meta.rowCount === 'number') return meta.rowCount;
  return 0;
}
