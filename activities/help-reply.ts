import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { lockConversation } from '../db/repositories/conversation-decisions.ts';
import { mayReplyAutomatically } from '../domain/conversation-rules.ts';
import type { ActivityDeps } from './types.ts';

/** A UUID derived from the inbound message, so a retried activity finds the reply it already queued. */
function replyIdFor(inboundMessageId: string): string {
  const h = createHash('sha256').update(`help-reply:${inboundMessageId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * HELP / INFO: queue the tenant's help text (author `system`) once per inbound message and mark that
 * message filed. An automated reply changes nothing else (it never clears needsAttention), and an
 * opted-out contact gets none. Null when nothing is to be sent.
 */
export function recordHelpReply({ db }: Pick<ActivityDeps, 'db'>) {
  const { sequelize, models } = db;
  return async ({ messageId }: { messageId: string }): Promise<{ messageId: string } | null> => {
    const inbound = await models.Message.findByPk(messageId);
    if (!inbound) return null;
    return sequelize.transaction(async (transaction) => {
      const conversation = await lockConversation(db, { conversationId: inbound.conversationId }, transaction);
      const tenant = await models.Tenant.findByPk(inbound.tenantId, { transaction });
      const [filed] = await sequelize.query<{ id: string }>(
        'UPDATE messages SET filed_at = now() WHERE id = :messageId AND filed_at IS NULL RETURNING id',
        { replacements: { messageId }, type: QueryTypes.SELECT, transaction },
      );
      const id = replyIdFor(messageId);
      if (!conversation || !tenant?.helpReply || !mayReplyAutomatically(conversation.facts)) return null;
      if (!filed) {
        // Filed before: the reply exists if it was to be sent.
        return (await models.Message.count({ where: { id }, transaction })) > 0 ? { messageId: id } : null;
      }
      await sequelize.query(
        `INSERT INTO messages (id, tenant_id, conversation_id, direction, author, body, status, num_media, media_urls, created_at, updated_at)
         VALUES (:id, :tenantId, :conversationId, 'outbound', 'system', :body, 'queued', 0, '[]'::jsonb, now(), now())
         ON CONFLICT (id) DO NOTHING`,
        { replacements: { id, tenantId: tenant.id, conversationId: conversation.id, body: tenant.helpReply }, transaction },
      );
      return { messageId: id };
    });
  };
}
