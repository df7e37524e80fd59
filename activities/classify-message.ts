import { ApplicationFailure } from '@temporalio/activity';
import { QueryTypes } from 'sequelize';
import { ClassifierError } from '../clients/openai/classifier.ts';
import type { ActivityDeps, ClassificationResult } from './types.ts';

interface ClassifyContextRow {
  body: string;
  business_name: string | null;
  /** The conversation's newest messages (this one included), newest first. */
  recent: Array<{ id: string; direction: 'inbound' | 'outbound'; body: string }> | null;
  message_id: string;
}

export interface ClassifyMessageInput {
  messageId: string;
}

/** Asks OpenAI to file one inbound message, with the few messages before it as context. */
export function classifyMessage(deps: Pick<ActivityDeps, 'db' | 'classifier'>) {
  const { db, classifier } = deps;
  return async (input: ClassifyMessageInput): Promise<ClassificationResult> => {
    if (!classifier) throw ApplicationFailure.nonRetryable('No OpenAI API key is configured', 'ClassifierConfigError');
    // The message, the conversation's newest messages and the business name in one round trip.
    const [row] = await db.sequelize.query<ClassifyContextRow>(
      `SELECT m.id AS message_id, m.body, t.name AS business_name,
              (SELECT json_agg(json_build_object('id', r.id, 'direction', r.direction, 'body', r.body)
                                ORDER BY r.created_at DESC, r.id DESC)
                 FROM (SELECT id, direction, body, created_at FROM messages
                        WHERE conversation_id = m.conversation_id AND created_at <= m.created_at
                        ORDER BY created_at DESC, id DESC LIMIT 6) r) AS recent
         FROM messages m
         LEFT JOIN tenants t ON t.id = m.tenant_id
        WHERE m.id = :messageId`,
      { replacements: { messageId: input.messageId }, type: QueryTypes.SELECT },
    );
    if (!row) throw ApplicationFailure.nonRetryable(`Message ${input.messageId} is not recorded`, 'ClassifierConfigError');
    try {
      const result = await classifier.classify({
        body: row.body,
        recent: (row.recent ?? [])
          .filter((m) => m.id !== row.message_id)
          .reverse()
          .map((m) => ({ direction: m.direction, body: m.body })),
        businessName: row.business_name ?? undefined,
      });
      return { ...result, source: 'ai' };
    } catch (err) {
      if (err instanceof ClassifierError && !err.retryable) {
        throw ApplicationFailure.nonRetryable(err.message, 'ClassifierConfigError');
      }
      throw err;
    }
  };
}
