// A person resends an outbound message whose outcome is `unknown` (Twilio may or may not have taken it).
// Nothing resends such a message automatically, because the customer may already have it; a person who
// decides to send it again gets a new message with the same text, queued and sent through the
// conversation's workflow like any reply. The old message stays `unknown` (a late status callback may
// still resolve it) and can be resent once: a second resend of it is a 409, so a double click sends one.
import { NotFoundError, ConflictError } from '../errors.ts';
import type { SessionUser } from '../auth/request-auth.ts';
import { queuePersonsMessage, type SendReplyDeps } from './send-reply.ts';
import type { MessageView } from './present-conversation.ts';

export async function resendMessage(deps: SendReplyDeps, user: SessionUser, conversationId: string, messageId: string): Promise<MessageView> {
  const { models } = deps.db;
  return queuePersonsMessage(deps, user, conversationId, async (transaction) => {
    const original = await models.Message.findOne({
      where: { id: messageId, conversationId, tenantId: user.tenantId, direction: 'outbound' },
      lock: transaction.LOCK.UPDATE,
      transaction,
    });
    if (!original) throw new NotFoundError('No such message in this conversation.');
    if (original.status !== 'unknown') {
      throw new ConflictError(`Only a message whose delivery is unknown can be resent; this one is ${original.status}.`);
    }
    const earlier = await models.Message.count({ where: { resendOf: original.id }, transaction });
    if (earlier > 0) throw new ConflictError('This message was already resent.');
    return { body: original.body, resendOf: original.id };
  });
}
