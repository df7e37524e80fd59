import { QueryTypes } from 'sequelize';
import { notifyConversationUpdatedSql } from '../db/conversation-events.ts';
import { needsPerson } from '../domain/classification.ts';
import type { ActivityDeps, ClassificationResult } from './types.ts';

export interface ApplyClassificationInput extends ClassificationResult {
  conversationId: string;
  messageSid: string;
}

/**
 * Files the conversation. An opt-out (keyword or classifier) opts the contact out across the tenant and
 * needs no person; an opt-in clears it; engaged and complaint need a person. One statement: the
 * conversation, its contact's opt-out state and the inbox notification change together.
 */
export function applyClassification({ db }: ActivityDeps) {
  return async (input: ApplyClassificationInput): Promise<void> => {
    const optIn = input.optIn === true;
    const personNeeded = needsPerson(input.category) && !optIn;
    await db.sequelize.query(
      `WITH cv AS (
         UPDATE conversations
            SET category = :category,
                classification_confidence = :confidence,
                classification_reason = :reason,
                classification_source = :source,
                -- A later opt-out clears the flag; an opt-in alone asks nothing of a person.
                needs_attention = CASE WHEN :optIn THEN needs_attention ELSE :personNeeded END,
                updated_at = now()
          WHERE id = :conversationId
          RETURNING id, tenant_id, contact_id
       ), opted_out AS (
         UPDATE contacts SET opted_out = true, opted_out_at = now(), updated_at = now()
          WHERE id = (SELECT contact_id FROM cv) AND :category = 'opt_out' AND opted_out = false
       ), opted_in AS (
         UPDATE contacts SET opted_out = false, opted_out_at = NULL, updated_at = now()
          WHERE id = (SELECT contact_id FROM cv) AND :optIn AND :category <> 'opt_out'
       )
       SELECT ${notifyConversationUpdatedSql('cv')} FROM cv`,
      {
        replacements: {
          conversationId: input.conversationId,
          category: input.category,
          confidence: input.confidence,
          reason: input.reason,
          source: input.source,
          optIn,
          personNeeded,
        },
        type: QueryTypes.SELECT,
      },
    );
  };
}
