// Reads what the rules need about a conversation (under a row lock) and writes what they decided. The
// filing activity, a person's reply and a person's correction all go through here, so the database
// only ever holds what domain/conversation-rules.ts decided.
import { QueryTypes, type Transaction } from 'sequelize';
import type { ClassificationResult } from '../../domain/classification.ts';
import type { ConversationFacts, Decision } from '../../domain/conversation-rules.ts';
import type { Database } from '../connection.ts';
import type { BookingStatus, ClassificationSource, ConversationCategory } from '../models/index.ts';

export interface LockedConversation {
  id: string;
  tenantId: string;
  contactId: string;
  episode: number;
  handledAt: Date | null;
  lastMessageAt: Date | null;
  facts: ConversationFacts;
}

interface FactsRow {
  id: string;
  tenant_id: string;
  contact_id: string;
  episode: number;
  handled_at: Date | null;
  last_message_at: Date | null;
  category: ConversationCategory;
  classification_source: ClassificationSource | null;
  needs_attention: boolean;
  booking_status: BookingStatus;
  opted_out: boolean;
}

/**
 * The conversation (FOR UPDATE) and its contact (FOR SHARE: an opt-out committing meanwhile waits for us
 * or is seen by us), or null. `tenantId` scopes it to a tenant when given.
 */
export async function lockConversation(
  db: Database,
  { conversationId, tenantId }: { conversationId: string; tenantId?: string },
  transaction: Transaction,
): Promise<LockedConversation | null> {
  const [row] = await db.sequelize.query<FactsRow>(
    `SELECT cv.id, cv.tenant_id, cv.contact_id, cv.episode, cv.handled_at, cv.last_message_at, cv.category, cv.classification_source,
            cv.needs_attention, cv.booking_status, ct.opted_out
       FROM conversations cv JOIN contacts ct ON ct.id = cv.contact_id
      WHERE cv.id = :conversationId ${tenantId ? 'AND cv.tenant_id = :tenantId' : ''}
      FOR UPDATE OF cv FOR SHARE OF ct`,
    { replacements: { conversationId, tenantId: tenantId ?? null }, type: QueryTypes.SELECT, transaction },
  );
  if (!row) return null;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    contactId: row.contact_id,
    episode: row.episode,
    handledAt: row.handled_at,
    lastMessageAt: row.last_message_at,
    facts: {
      category: row.category,
      categorySetByPerson: row.classification_source === 'csr',
      needsAttention: row.needs_attention,
      contactOptedOut: row.opted_out,
      bookingStatus: row.booking_status,
    },
  };
}

export interface DecisionWrite {
  decision: Decision;
  /** The classification written when the decision files it. */
  classification?: { confidence: number; reason: string; source: ClassificationSource };
  /** A person answered now (reply or "mark handled"). */
  handledByPerson?: boolean;
}

/** Writes a decision: the conversation's filing and flag, and the contact's opt-out state. */
export async function applyDecision(
  db: Database,
  conversation: LockedConversation,
  { decision, classification, handledByPerson }: DecisionWrite,
  transaction: Transaction,
): Promise<void> {
  const { sequelize } = db;
  const filing = decision.fileClassification && classification ? classification : null;
  await sequelize.query(
    `UPDATE conversations
        SET category = :category, needs_attention = :needsAttention, updated_at = now()
            ${filing ? ', classification_confidence = :confidence, classification_reason = :reason, classification_source = :source' : ''}
            ${handledByPerson ? ', handled_at = now()' : ''}
      WHERE id = :id`,
    {
      replacements: {
        id: conversation.id,
        category: decision.category,
        needsAttention: decision.needsAttention,
        confidence: filing?.confidence ?? null,
        reason: filing?.reason ?? null,
        source: filing?.source ?? null,
      },
      transaction,
    },
  );
  if (decision.contactOptedOut !== conversation.facts.contactOptedOut) {
    await sequelize.query(
      `UPDATE contacts SET opted_out = :optedOut, opted_out_at = CASE WHEN :optedOut THEN now() END, updated_at = now() WHERE id = :id`,
      { replacements: { id: conversation.contactId, optedOut: decision.contactOptedOut }, transaction },
    );
  }
}

/** The classification fields for a filing decided by the classifier, a keyword or the fallback. */
export function classificationOf(result: ClassificationResult): DecisionWrite['classification'] {
  return { confidence: result.confidence, reason: result.reason, source: result.source };
}
