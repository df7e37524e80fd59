// How the conversation workflow runs each activity. Local activities only for Postgres writes (they finish
// in well under a few seconds, retries included); OpenAI, ServiceTitan and Twilio are ordinary activities
// under their own names, so ops see every try, its retries and its last failure in the Temporal UI.
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';

/** Postgres work: retried until the database is back, so an acknowledged message is never dropped. */
const storeRetry: RetryPolicy = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' };

const bookingRetry: RetryPolicy = {
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '5m',
  nonRetryableErrorTypes: ['ServiceTitanConfigError'],
};

export const store = proxyLocalActivities<Activities>({ startToCloseTimeout: '30s', retry: storeRetry });

/** OpenAI: a bounded number of tries, then the message is filed for a person (`fallback`). */
export const ai = proxyActivities<Activities>({
  startToCloseTimeout: '45s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: ['ClassifierConfigError'] },
});

/**
 * The booking: a first try on its own, so `BookingStatus="retrying"` shows as soon as it fails, then the
 * retries (backoff honouring Retry-After, for up to a day). It heartbeats, so a killed worker is noticed
 * in seconds and a cancellation (the customer opted out) reaches it.
 */
const booking = { startToCloseTimeout: '60s', heartbeatTimeout: '10s' } as const;
export const bookingFirstTry = proxyActivities<Activities>({ ...booking, retry: { ...bookingRetry, maximumAttempts: 1 } });
export const bookingRetries = proxyActivities<Activities>({ ...booking, scheduleToCloseTimeout: '24h', retry: bookingRetry });

/** Twilio sends: a few tries; a rejected message (bad number, unsubscribed) is not retried. */
export const sms = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 5, nonRetryableErrorTypes: ['TwilioRejectedError'] },
});

/**
 * The assistant's model calls: a customer is waiting, so a few quick tries (the SDK itself does not
 * retry), then the turn hands over. A request error (4xx) or no key is not retried.
 */
export const assistantModelOptions: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: ['AssistantModelConfigError'] },
};
export const assistantModel = proxyActivities<Activities>(assistantModelOptions);

/**
 * The assistant's tool calls on ServiceTitan. The executor turns a failing call into a handoff itself,
 * so these retries cover a worker that died or stalled mid-call; a booking is safe to run again (the job
 * is looked up by its external data before any create).
 */
export const assistantToolOptions: ActivityOptions = {
  startToCloseTimeout: '60s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3 },
};
export const assistantTool = proxyActivities<Activities>(assistantToolOptions);

/**
 * A booking request's window reaching the episode's existing booking (PATCH while it is New). The customer
 * is waiting: a few tries, heartbeating so a killed worker is noticed in seconds; then the turn hands over.
 */
export const assistantBookingUpdate = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: ['ServiceTitanConfigError'] },
});
