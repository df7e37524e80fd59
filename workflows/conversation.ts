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
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, BookingOutcome, ClassificationResult, FiledInbound, FirstBookingTry } from '../activities/index.ts';
import { fallbackClassification, keywordClassification, needsPerson } from '../domain/classification.ts';
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
const storeRetry: RetryPolicy = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' };
/** OpenAI: a bounded number of tries, then the workflow falls back to `engaged`. */
const aiRetry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumAttempts: 3,
  nonRetryableErrorTypes: ['ClassifierConfigError'],
};
const bookingRetry: RetryPolicy = {
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '5m',
  nonRetryableErrorTypes: ['ServiceTitanConfigError'],
};

/**
 * The steps of one message run as local activities: filing (record + classify + apply, and for a
 * conversation that needs one, the first booking try). They execute in the worker inside the workflow
 * task and land in history as markers, so a new conversation costs one workflow task and two activations
 * instead of five workflow tasks and four activity tasks — most of the Temporal server's and the
 * worker's work per conversation. Before `file-and-book` the first booking try was a local activity
 * of its own (`bookingFirstTry`); a booking that starts later (an admin's retry, a CSR's re-filing)
 * still begins with it.
 * Histories recorded before this change (no `local-activity-steps` patch marker) replay on the
 * task-queue activities below.
 */
const localSteps = {
  store: proxyLocalActivities<Activities>({ startToCloseTimeout: '30s', retry: storeRetry }),
  /**
   * Record + classify + apply (+ the first booking try): OpenAI's own deadline (40 s) ends in the fallback
   * filing, and a booking attempt's HTTP deadlines and lock wait end well before this.
   */
  filing: proxyLocalActivities<Activities>({ startToCloseTimeout: '2m', retry: storeRetry }),
  ai: proxyLocalActivities<Activities>({ startToCloseTimeout: '40s', retry: aiRetry }),
  bookingFirstTry: proxyLocalActivities<Activities>({ startToCloseTimeout: '60s', retry: { ...bookingRetry, maximumAttempts: 1 } }),
};
const taskQueueSteps = {
  store: proxyActivities<Activities>({ startToCloseTimeout: '30s', retry: storeRetry }),
  filing: null,
  ai: proxyActivities<Activities>({ startToCloseTimeout: '40s', retry: aiRetry }),
  /** The first booking attempt runs alone so ops see `BookingStatus="retrying"` as soon as it fails. */
  bookingFirstTry: proxyActivities<Activities>({
    startToCloseTimeout: '60s',
    // The activity heartbeats while it works, so a killed worker is noticed in seconds, not at the timeout.
    heartbeatTimeout: '10s',
    retry: { ...bookingRetry, maximumAttempts: 1 },
  }),
};

/**
 * Retries after a failed first try are ordinary activities: Temporal retries them with backoff (honouring
 * Retry-After) for up to a day, and ops watch the attempts and last failure in the Temporal UI.
 */
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
type SearchAttributeChange = { key: typeof categoryKey | typeof bookingStatusKey; value: string };

export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<void> {
  // Versions, newest first. `file-and-book`: the first booking attempt rides in the filing activity (one
  // activation fewer per new conversation); it implies `local-activity-steps`. Each patch a new run records
  // costs it a marker and a search-attribute upsert, so a new run records only the newest.
  const fileAndBook = patched('file-and-book');
  const local = fileAndBook || patched('local-activity-steps');
  const { store, ai, bookingFirstTry, filing } = local ? localSteps : taskQueueSteps;
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

  // Search attributes changed in one activation (a new conversation's category and its booking going
  // `pending`) are sent as one upsert: each upsert is a history event and a visibility write.
  // Older histories upserted each change at once, and the category on every message; they replay so.
  const changedAttributes = new Map<string, SearchAttributeChange>();
  const setAttribute = (change: SearchAttributeChange) => {
    if (!local) {
      upsertSearchAttributes([change]);
      return;
    }
    if (changedAttributes.size === 0) {
      void Promise.resolve().then(() => {
        upsertSearchAttributes([...changedAttributes.values()]);
        changedAttributes.clear();
      });
    }
    changedAttributes.set(change.key.name, change);
  };
  const setBookingStatus = (status: BookingStatus) => {
    if (local && status === bookingStatus) return;
    bookingStatus = status;
    setAttribute({ key: bookingStatusKey, value: status });
  };
  const setCategory = (next: Category) => {
    if (local && next === category) return;
    category = next;
    setAttribute({ key: categoryKey, value: next });
  };

  /** `firstTry`: the attempt the filing activity already made; otherwise the first attempt is made here. */
  async function book(id: string, firstTry?: FirstBookingTry): Promise<void> {
    bookingInFlight = true;
    setBookingStatus('pending');
    try {
      let outcome: BookingOutcome;
      try {
        outcome = firstTry ? settled(firstTry) : await bookingFirstTry.createServiceTitanBooking({ conversationId: id });
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

  /** No booking yet and none under way. */
  function mayStartBooking(): boolean {
    return !bookingInFlight && !bookingId && bookingStatus !== 'created';
  }

  function maybeBook(): void {
    if (!conversationId || !needsPerson(category) || !mayStartBooking()) return;
    void book(conversationId);
  }

  /** Before local activities: record, classify and apply as three task-queue activities. */
  async function fileInSteps(message: InboundMessage, decided: ClassificationResult | null): Promise<FiledInbound> {
    const recorded = await store.recordInboundMessage(message);
    noteRecorded(recorded);
    const result = decided ?? (await classifyOrFallBack(recorded.conversationId, message));
    await store.applyClassification({ conversationId: recorded.conversationId, messageSid: message.messageSid, ...result });
    return { ...recorded, result };
  }

  async function classifyOrFallBack(id: string, message: InboundMessage): Promise<ClassificationResult> {
    try {
      return await ai.classifyMessage({ conversationId: id, messageSid: message.messageSid });
    } catch (err) {
      log.warn('Classifier unavailable, filing as engaged', { conversationId: id, error: failureMessage(err) });
      return fallbackClassification;
    }
  }

  function noteRecorded(recorded: { conversationId: string; bookingId: string | null }): void {
    conversationId = recorded.conversationId;
    if (recorded.bookingId) {
      bookingId = recorded.bookingId;
      // A new run (after continue-as-new or a restart) learns of the booking from the database.
      if (bookingStatus !== 'created') setBookingStatus('created');
    }
  }

  async function handleInbound(message: InboundMessage): Promise<void> {
    if (seen.has(message.messageSid)) return;
    seen.add(message.messageSid);
    const keyword = matchKeyword(message.body);
    if (keyword === 'help') {
      const recorded = await store.recordInboundMessage(message);
      noteRecorded(recorded);
      const reply = await store.recordHelpReply({ conversationId: recorded.conversationId, inboundMessageSid: message.messageSid });
      if (reply) await sendReply(reply.messageId);
      return;
    }
    const decided = keywordClassification(keyword, message.body);
    let filed: FiledInbound;
    if (filing) {
      const bookIfNeeded = fileAndBook && mayStartBooking();
      filed = await filing.fileInboundMessage({ message, decided, ...(bookIfNeeded ? { bookIfNeeded } : {}) });
      noteRecorded(filed);
    } else {
      filed = await fileInSteps(message, decided);
    }
    setCategory(filed.result.category);
    if (filed.firstBookingTry) void book(filed.conversationId, filed.firstBookingTry);
    else if (!filed.result.optIn) maybeBook();
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
      setCategory(work.category);
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

/** The first attempt's result as if the workflow had made it: its outcome, or its failure thrown. */
function settled(firstTry: FirstBookingTry): BookingOutcome {
  if (firstTry.ok) return firstTry.outcome;
  throw ApplicationFailure.create({ message: firstTry.error, type: firstTry.type, nonRetryable: firstTry.nonRetryable });
}

/** The activity's own failure: local activities may surface it unwrapped, task-queue ones as the cause. */
function activityCause(err: unknown): unknown {
  return err instanceof ActivityFailure && err.cause ? err.cause : err;
}

function isConfigError(err: unknown): boolean {
  const cause = activityCause(err);
  return cause instanceof ApplicationFailure && cause.type === 'ServiceTitanConfigError';
}

function failureMessage(err: unknown): string {
  const cause = activityCause(err);
  return cause instanceof Error ? cause.message : String(cause);
}
