// A person's correction of the classifier: a new category (source `csr`) and/or marking it handled.
// Moving a conversation to opt_out opts the contact out; moving it away does not opt them back in
// (only the customer can, by texting START).
import type { Database } from '../../db/connection.ts';
import { notifyConversationUpdated } from '../../db/conversation-events.ts';
import type { ConversationCategory } from '../../db/models/index.ts';
import type { SessionUser } from '../auth/request-auth.ts';
import type { Logger } from '../../logging/logger.ts';
import { categoryCorrectedSignal } from '../../workflows/definitions.ts';
import { conversationAddress, signalConversation, type ConversationTemporal } from '../temporal/signal-conversation.ts';
import { loadConversationRow } from './conversation-row.ts';
import { conversationNotFound } from './get-conversation.ts';
import { presentConversationDetail, type ConversationDetailView } from './present-conversation.ts';

export interface Correction {
  category?: ConversationCategory;
  needsAttention?: boolean;
}

export interface CorrectionDeps extends ConversationTemporal {
  logger: Logger;
}

export async function correctConversation(
  db: Database,
  user: SessionUser,
  id: string,
  correction: Correction,
  deps?: CorrectionDeps,
): Promise<ConversationDetailView> {
  const { sequelize, models } = db;
  let recategorized = false;
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
      recategorized = true;
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
  if (recategorized && correction.category && deps) await tellWorkflow(db, user.tenantId, id, correction.category, deps);
  const row = await loadConversationRow(db, user.tenantId, id);
  if (!row) throw conversationNotFound();
  return presentConversationDetail(row);
}

/**
 * Best effort: the database already holds the correction; the workflow learns it so its search attribute
 * is right and a conversation moved to engaged or complaint gets its booking.
 */
async function tellWorkflow(db: Database, tenantId: string, id: string, category: ConversationCategory, deps: CorrectionDeps) {
  const address = await conversationAddress(db, tenantId, id);
  if (!address) return;
  await signalConversation(deps, address, categoryCorrectedSignal, [{ category }]).catch((err: unknown) =>
    deps.logger.warn('could not tell the workflow about a correction', { conversationId: id, error: err }),
  );
}
