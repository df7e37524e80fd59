// A person's correction of the classifier (a new category, source `csr`) and/or marking it handled, as
// the rules decide (domain/conversation-rules.ts). Moving a conversation to opt_out opts the contact out;
// moving it away does not opt them back in (only the customer can, by texting START).
import type { Database } from '../../db/connection.ts';
import { notifyConversationUpdated } from '../../db/conversation-events.ts';
import type { ConversationCategory } from '../../db/models/index.ts';
import { applyDecision, lockConversation } from '../../db/repositories/conversation-decisions.ts';
import { decide, type BookingIntent } from '../../domain/conversation-rules.ts';
import type { Logger } from '../../logging/logger.ts';
import type { SessionUser } from '../auth/request-auth.ts';
import { categoryCorrectedSignal } from '../../workflows/definitions.ts';
import { signalConversation, type ConversationTemporal } from '../temporal/signal-conversation.ts';
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
  const { sequelize } = db;
  const recategorized = await sequelize.transaction(async (transaction) => {
    const conversation = await lockConversation(db, { conversationId: id, tenantId: user.tenantId }, transaction);
    if (!conversation) throw conversationNotFound();
    let changed: { category: ConversationCategory; booking: BookingIntent } | null = null;
    if (correction.category !== undefined && correction.category !== conversation.facts.category) {
      const decision = decide(conversation.facts, { kind: 'personCorrected', category: correction.category });
      const reason = `Filed as ${correction.category.replace('_', '-')} by ${user.email}.`;
      const handledByPerson = decision.needsAttention === false && conversation.facts.needsAttention;
      await applyDecision(db, conversation, { decision, classification: { confidence: 1, reason, source: 'csr' }, handledByPerson }, transaction);
      conversation.facts = { ...conversation.facts, ...decision };
      changed = { category: decision.category, booking: decision.booking };
    }
    if (correction.needsAttention !== undefined) {
      const decision = decide(conversation.facts, { kind: 'personMarked', needsAttention: correction.needsAttention });
      await applyDecision(db, conversation, { decision, handledByPerson: !correction.needsAttention }, transaction);
    }
    await notifyConversationUpdated(sequelize, { tenantId: user.tenantId, id }, transaction);
    return changed;
  });
  if (recategorized && deps) await tellWorkflow(user.tenantId, id, recategorized, deps);
  const row = await loadConversationRow(db, user.tenantId, id);
  if (!row) throw conversationNotFound();
  return presentConversationDetail(row);
}

/**
 * Best effort: the database already holds the correction; the workflow learns it so its search attribute
 * is right and the booking starts or stops as the rules decided.
 */
async function tellWorkflow(
  tenantId: string,
  conversationId: string,
  change: { category: ConversationCategory; booking: BookingIntent },
  deps: CorrectionDeps,
) {
  await signalConversation(deps, { tenantId, conversationId }, categoryCorrectedSignal, [change]).catch((err: unknown) =>
    deps.logger.warn('could not tell the workflow about a correction', { conversationId, error: err }),
  );
}
