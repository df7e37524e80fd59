// One entity workflow per conversation (tenant × our number × customer number).
// Handlers only enqueue; the loop drains the queue in arrival order; booking runs beside the loop so a
// ServiceTitan outage never holds up recording and classifying later messages.
import type { RetryPolicy } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, BookingOutcome, ClassificationResult } from '../activities/index.ts';
import { matchKeyword } from '../domain/sms-keywords.ts';
import {
  bookingStatusKey,
  categoryCorrectedSignal,
  categoryKey,
  conversationStateQuery,
  inboundMessageSignal,
  outboundMessageSignal,
  retryBookingSignal,
  type BookingStatus,
  type Category,
  type ConversationWorkflowInput,
  type InboundMessage,
  type QueuedWork,
} from './definitions.ts';

/** Postgres work: retried until the database is back, so an acknowledged message is never dropped. */
const store = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** OpenAI: a bounded number of tries, then the workflow falls back to `engaged`. */
const ai = proxyActivities<Activities>({
  startToCloseTimeout: '40s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: ['ClassifierConfigError'] },
});

const bookingRetry: RetryPolicy = {
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '5m',
  nonRetryableErrorTypes: ['ServiceTitanConfigError'],
};

/** The first booking attempt runs alone so ops see `BookingStatus="retrying"` as soon as it fails. */
const bookingFirstTry = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  // The activity heartbeats while it works, so a killed worker is noticed in seconds, not at the timeout.
  heartbeatTimeout: '10s',
  retry: { ...bookingRetry, maximumAttempts: 1 },
});

/** Then Temporal retries with backoff (honouring Retry-After) for up to a day; attempts show on the workflow. */
const bookingRetries = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  heartbeatTimeout: '10s',
  scheduleToCloseTimeout: '24h',
  retry: bookingRetry,
});

/** Twilio sends: a few tries; a rejected message (bad number, unsubscribed) is not retried. */
const sms = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 5, nonRetryableErrorTypes: ['TwilioRejectedError'] },
});

const maxCarriedSids = 1000;
const needsPerson = (c: Category | null) => c === 'engaged' || c === 'complaint';

export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<void> {
  const carried = input.carried;
  const queue: QueuedWork[] = carried?.queue ?? [];
  const seen = new Set<string>(carried?.seenMessageSids ?? []);
  let conversationId = carried?.conversationId ?? null;
  let category: Category | null = carried?.category ?? null;
  let bookingStatus: BookingStatus = carried?.bookingStatus ?? 'none';
  let bookingId = carried?.bookingId ?? null;
  let bookingInFlight = false;
  let retryRequested = false;

  setHandler(inboundMessageSignal, (message) => void queue.push({ kind: 'inbound', message }));
  setHandler(outboundMessageSignal, (request) => void queue.push({ kind: 'outbound', request }));
  setHandler(retryBookingSignal, () => void queue.push({ kind: 'retryBooking' }));
  setHandler(categoryCorrectedSignal, ({ category }) => void queue.push({ kind: 'corrected', category }));
  setHandler(conversationStateQuery, () => ({
    conversationId,
    category,
    bookingStatus,
    bookingId,
    queued: queue.length,
    seenMessageSids: seen.size,
  }));

  const setBookingStatus = (status: BookingStatus) => {
    bookingStatus = status;
    upsertSearchAttributes([{ key: bookingStatusKey, value: status }]);
  };

  async function book(id: string): Promise<void> {
    bookingInFlight = true;
    setBookingStatus('pending');
    try {
      let outcome: BookingOutcome;
      try {
        outcome = await bookingFirstTry.createServiceTitanBooking({ conversationId: id });
      } catch (err) {
        if (isConfigError(err)) throw err;
        setBookingStatus('retrying');
        outcome = await bookingRetries.createServiceTitanBooking({ conversationId: id });
      }
      if (outcome.status === 'created') {
        bookingId = outcome.bookingId;
        setBookingStatus('created');
      } else {
        setBookingStatus('skipped');
      }
    } catch (err) {
      // The activity already wrote the admin-readable error to the conversation.
      log.warn('ServiceTitan booking failed', { conversationId: id, error: failureMessage(err) });
      setBookingStatus('failed');
      await store.recordBookingGaveUp({ conversationId: id, error: failureMessage(err) });
    } finally {
      bookingInFlight = false;
    }
    // An admin asked to retry while this attempt was still failing: honour it now.
    if (retryRequested && bookingStatus === 'failed') {
      retryRequested = false;
      maybeBook();
    }
  }

  function maybeBook(): void {
    if (!conversationId || bookingInFlight || bookingId || !needsPerson(category)) return;
    if (bookingStatus === 'created') return;
    void book(conversationId);
  }

  async function classify(id: string, message: InboundMessage): Promise<ClassificationResult> {
    try {
      return await ai.classifyMessage({ conversationId: id, messageSid: message.messageSid });
    } catch (err) {
      log.warn('Classifier unavailable, filing as engaged', { conversationId: id, error: failureMessage(err) });
      return { category: 'engaged', confidence: 0, reason: 'The classifier was unavailable; a person should read this.', source: 'fallback' };
    }
  }

  async function handleInbound(message: InboundMessage): Promise<void> {
    if (seen.has(message.messageSid)) return;
    seen.add(message.messageSid);
    const recorded = await store.recordInboundMessage(message);
    conversationId = recorded.conversationId;
    if (recorded.bookingId) {
      bookingId = recorded.bookingId;
      // A new run (after continue-as-new or a restart) learns of the booking from the database.
      if (bookingStatus !== 'created') setBookingStatus('created');
    }

    const keyword = matchKeyword(message.body);
    if (keyword === 'help') {
      const reply = await store.recordHelpReply({ conversationId, inboundMessageSid: message.messageSid });
      if (reply) await sendReply(reply.messageId);
      return;
    }
    const result: ClassificationResult =
      keyword === 'opt_out'
        ? { category: 'opt_out', confidence: 1, reason: `The customer texted the opt-out keyword "${message.body.trim()}".`, source: 'keyword' }
        : keyword === 'opt_in'
          ? { category: 'engaged', confidence: 1, reason: `The customer texted "${message.body.trim()}" to opt back in.`, source: 'keyword', optIn: true }
          : await classify(conversationId, message);
    await store.applyClassification({ conversationId, messageSid: message.messageSid, ...result });
    category = result.category;
    upsertSearchAttributes([{ key: categoryKey, value: category }]);
    if (!result.optIn) maybeBook();
  }

  async function sendReply(messageId: string): Promise<void> {
    try {
      await sms.sendOutboundMessage({ messageId });
    } catch (err) {
      await store.recordOutboundFailure({ messageId, error: failureMessage(err) });
    }
  }

  async function handle(work: QueuedWork): Promise<void> {
    if (work.kind === 'inbound') await handleInbound(work.message);
    else if (work.kind === 'outbound') await sendReply(work.request.messageId);
    else if (work.kind === 'corrected') {
      category = work.category;
      upsertSearchAttributes([{ key: categoryKey, value: category }]);
      maybeBook();
    } else if (bookingInFlight) retryRequested = true;
    else if (bookingStatus === 'failed' || bookingStatus === 'skipped' || bookingStatus === 'none') maybeBook();
  }

  for (;;) {
    await condition(() => queue.length > 0 || (workflowInfo().continueAsNewSuggested && !bookingInFlight));
    while (queue.length > 0) {
      const work = queue.shift();
      if (!work) continue;
      try {
        await handle(work);
      } catch (err) {
        // Only non-retryable failures reach here (Postgres work retries until it succeeds). Failing the
        // workflow would drop the rest of the queue, so the item is logged and the loop goes on.
        log.error('Could not process conversation work', { kind: work.kind, error: failureMessage(err) });
      }
    }
    // A booking in flight keeps this run: a new run would start a second, concurrent attempt.
    if (workflowInfo().continueAsNewSuggested && !bookingInFlight) {
      await condition(allHandlersFinished);
      if (queue.length > 0) continue;
      await continueAsNew<typeof conversationWorkflow>({
        ...input,
        carried: {
          conversationId,
          queue,
          seenMessageSids: [...seen].slice(-maxCarriedSids),
          category,
          bookingStatus,
          bookingId,
        },
      });
    }
  }
}

function isConfigError(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'ServiceTitanConfigError';
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
