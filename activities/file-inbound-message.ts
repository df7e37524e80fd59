import { ApplicationFailure } from '@temporalio/activity';
import { BaseError } from 'sequelize';
import { fallbackClassification, needsPerson, type ClassificationResult } from '../domain/classification.ts';
import type { InboundMessage } from '../workflows/definitions.ts';
import { applyClassification } from './apply-classification.ts';
import { classifyMessage } from './classify-message.ts';
import { serviceTitanBookingAttempt } from './create-servicetitan-booking.ts';
import { recordInboundMessage, type RecordedInbound } from './record-inbound-message.ts';
import type { ActivityDeps, BookingOutcome } from './types.ts';

export interface FileInboundInput {
  message: InboundMessage;
  /** Set when a keyword already decided the filing (no AI is asked). */
  decided: ClassificationResult | null;
  /**
   * The workflow has no booking for this conversation and none under way: if the filing says a person is
   * needed, make the first booking attempt here too. Absent in workflows started before this existed.
   */
  bookIfNeeded?: boolean;
}

/** How the first booking attempt made while filing ended; the workflow retries a failure. */
export type FirstBookingTry =
  | { ok: true; outcome: BookingOutcome }
  | { ok: false; error: string; type: string; nonRetryable: boolean };

export interface FiledInbound extends RecordedInbound {
  result: ClassificationResult;
  /** Present when `bookIfNeeded` led to a booking attempt. */
  firstBookingTry?: FirstBookingTry;
}

/**
 * Records a message, classifies it (unless a keyword decided) and files the conversation: the three
 * steps of every non-HELP message in one local activity, so the workflow spends one activation on them.
 * When asked, the conversation's first booking attempt follows in the same activity (one activation
 * fewer again); its failure is reported, not thrown, because the filing itself is done and must not be
 * repeated, and the workflow's retries take over from there.
 * Each step is idempotent, so a retry after a database error repeats them harmlessly. OpenAI has its
 * own retries inside the classifier; when it still cannot answer, the message is filed for a person.
 */
export function fileInboundMessage(deps: ActivityDeps) {
  const record = recordInboundMessage(deps);
  const classify = classifyMessage(deps);
  const apply = applyClassification(deps);
  const attemptBooking = serviceTitanBookingAttempt(deps);
  return async ({ message, decided, bookIfNeeded }: FileInboundInput): Promise<FiledInbound> => {
    const recorded = await record(message);
    const result = decided ?? (await classifyOrFallBack(recorded.conversationId, message.messageSid));
    await apply({ conversationId: recorded.conversationId, messageSid: message.messageSid, ...result });
    const filed: FiledInbound = { ...recorded, result };
    if (bookIfNeeded && !recorded.bookingId && !result.optIn && needsPerson(result.category)) {
      filed.firstBookingTry = await firstBookingTry(recorded.conversationId);
    }
    return filed;
  };

  async function firstBookingTry(conversationId: string): Promise<FirstBookingTry> {
    try {
      return { ok: true, outcome: await attemptBooking(conversationId, { attempt: 1, heartbeats: false }) };
    } catch (err) {
      const failure = err instanceof ApplicationFailure ? err : null;
      return {
        ok: false,
        error: err instanceof Error ? err.message : String(err),
        type: failure?.type ?? 'ServiceTitanUnavailable',
        nonRetryable: failure?.nonRetryable ?? false,
      };
    }
  }

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
