import { BaseError } from 'sequelize';
import { fallbackClassification, type ClassificationResult } from '../domain/classification.ts';
import type { InboundMessage } from '../workflows/definitions.ts';
import { applyClassification } from './apply-classification.ts';
import { classifyMessage } from './classify-message.ts';
import { recordInboundMessage, type RecordedInbound } from './record-inbound-message.ts';
import type { ActivityDeps } from './types.ts';

export interface FileInboundInput {
  message: InboundMessage;
  /** Set when a keyword already decided the filing (no AI is asked). */
  decided: ClassificationResult | null;
}

export interface FiledInbound extends RecordedInbound {
  result: ClassificationResult;
}

/**
 * Records a message, classifies it (unless a keyword decided) and files the conversation: the three
 * steps of every non-HELP message in one local activity, so the workflow spends one activation on them.
 * Each step is idempotent, so a retry after a database error repeats them harmlessly. OpenAI has its
 * own retries inside the classifier; when it still cannot answer, the message is filed for a person.
 */
export function fileInboundMessage(deps: ActivityDeps) {
  const record = recordInboundMessage(deps);
  const classify = classifyMessage(deps);
  const apply = applyClassification(deps);
  return async ({ message, decided }: FileInboundInput): Promise<FiledInbound> => {
    const recorded = await record(message);
    const result = decided ?? (await classifyOrFallBack(recorded.conversationId, message.messageSid));
    await apply({ conversationId: recorded.conversationId, messageSid: message.messageSid, ...result });
    return { ...recorded, result };
  };

  async function classifyOrFallBack(conversationId: string, messageSid: string): Promise<ClassificationResult> {
    try {
      return await classify({ conversationId, messageSid });
    } catch (err) {
      // A database error reading the message's context is retried with the whole activity; only the
      // classifier's own failures file the message for a person.
      if (err instanceof BaseError) throw err;
      deps.logger.warn('Classifier unavailable, filing as engaged', {
        conversationId,
        error: err instanceof Error ? err.message : String(err),
      });
      return fallbackClassification;
    }
  }
}
