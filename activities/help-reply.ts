import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { ActivityDeps } from './types.ts';

/** A UUID derived from the inbound SID, so a retried activity finds the reply it already queued. */
function replyIdFor(inboundMessageSid: string): string {
  const h = createHash('sha256').update(`help-reply:${inboundMessageSid}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** HELP / INFO: queue the tenant's help text as an outbound reply, once per inbound message. */
export function recordHelpReply({ db }: ActivityDeps) {
  return async (input: { conversationId: string; inboundMessageSid: string }): Promise<{ messageId: string } | null> => {
    const { sequelize, models } = db;
    const conversation = await models.Conversation.findByPk(input.conversationId);
    if (!conversation) return null;
    const tenant = await models.Tenant.findByPk(conversation.tenantId);
    if (!tenant?.helpReply) return null;
    const id = replyIdFor(input.inboundMessageSid);
    await sequelize.query(
      `INSERT INTO messages (id, tenant_id, conversation_id, direction, body, status, num_media, media_urls, created_at, updated_at)
       VALUES (:id, :tenantId, :conversationId, 'outbound', :body, 'queued', 0, '[]'::jsonb, now(), now())
       ON CONFLICT (id) DO NOTHING`,
      {
        replacements: { id, tenantId: tenant.id, conversationId: conversation.id, body: tenant.helpReply },
        type: QueryTypes.INSERT,
      },
    );
    return { messageId: id };
  };
}
