import { notifyConversationUpdated } from '../db/conversation-events.ts';
import type { ActivityDeps, ClassificationResult } from './types.ts';

export interface ApplyClassificationInput extends ClassificationResult {
  conversationId: string;
  messageSid: string;
}

/**
 * Files the conversation. An opt-out (keyword or classifier) opts the contact out across the tenant and
 * needs no person; an opt-in clears it; engaged and complaint need a person.
 */
export function applyClassification({ db }: ActivityDeps) {
  return async (input: ApplyClassificationInput): Promise<void> => {
    const { sequelize, models } = db;
    await sequelize.transaction(async (transaction) => {
      const conversation = await models.Conversation.findByPk(input.conversationId, { transaction, lock: true });
      if (!conversation) return;
      const needsAttention = (input.category === 'engaged' || input.category === 'complaint') && !input.optIn;
      await conversation.update(
        {
          category: input.category,
          classificationConfidence: input.confidence,
          classificationReason: input.reason,
          classificationSource: input.source,
          // A later opt-out clears the flag; an opt-in alone asks nothing of a person.
          needsAttention: input.optIn ? conversation.needsAttention : needsAttention,
        },
        { transaction },
      );
      if (input.category === 'opt_out') {
        await models.Contact.update(
          { optedOut: true, optedOutAt: new Date() },
          { where: { id: conversation.contactId, optedOut: false }, transaction },
        );
      } else if (input.optIn) {
        await models.Contact.update({ optedOut: false, optedOutAt: null }, { where: { id: conversation.contactId }, transaction });
      }
      await notifyConversationUpdated(sequelize, { tenantId: conversation.tenantId, id: conversation.id }, transaction);
    });
  };
}
