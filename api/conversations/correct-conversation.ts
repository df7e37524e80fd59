// A person's correction of the classifier: a new category (source `csr`) and/or marking it handled.
// Moving a conversation to opt_out opts the contact out; moving it away does not opt them back in
// (only the customer can, by texting START).
import type { Database } from '../../db/connection.ts';
import { notifyConversationUpdated } from '../../db/conversation-events.ts';
import type { ConversationCategory } from '../../db/models/index.ts';
import type { SessionUser } from '../auth/request-auth.ts';
import { loadConversationRow } from './conversation-row.ts';
import { conversationNotFound } from './get-conversation.ts';
import { presentConversationDetail, type ConversationDetailView } from './present-conversation.ts';

export interface Correction {
  category?: ConversationCategory;
  needsAttention?: boolean;
}

export async function correctConversation(
  db: Database,
  user: SessionUser,
  id: string,
  correction: Correction,
): Promise<ConversationDetailView> {
  const { sequelize, models } = db;
  await sequelize.transaction(async (transaction) => {
    const conversation = await models.Conversation.findOne({
      where: { id, tenantId: user.tenantId },
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    if (!conversation) throw conversationNotFound();
    const changes: Partial<Pick<typeof conversation, 'category' | 'classificationSource' | 'classificationConfidence' | 'classificationReason' | 'needsAttention'>> = {};
    if (correction.category !== undefined && correction.category !== conversation.category) {
      changes.category = correction.category;
      changes.classificationSource = 'csr';
      changes.classificationConfidence = 1;
      changes.classificationReason = `Filed as ${correction.category.replace('_', '-')} by ${user.email}.`;
      // An opt-out asks nothing more of a person unless they say otherwise in the same request.
      if (correction.category === 'opt_out' && correction.needsAttention === undefined) changes.needsAttention = false;
    }
    if (correction.needsAttention !== undefined) changes.needsAttention = correction.needsAttention;
    if (Object.keys(changes).length > 0) await conversation.update(changes, { transaction });
    if (correction.category === 'opt_out') {
      await models.Contact.update(
        { optedOut: true, optedOutAt: new Date() },
        { where: { id: conversation.contactId, tenantId: user.tenantId, optedOut: false }, transaction },
      );
    }
    await notifyConversationUpdated(sequelize, { tenantId: user.tenantId, id }, transaction);
  });
  const row = await loadConversationRow(db, user.tenantId, id);
  if (!row) throw conversationNotFound();
  return presentConversationDetail(row);
}
