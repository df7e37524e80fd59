// Bookings that stopped for good (a configuration or data problem ServiceTitan answered with a 4xx) get
// another try: each conversation's workflow is signalled (and starts over if it had ended). The button then
// waits a bounded few seconds for the tries to end and says how each went: created, refused again (and
// why), or still being tried — what booking health and the booking panel show by then as well.
import type { Client } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import type { RetriedBooking, RetryFailedBookingsView } from '../../contract/settings.ts';
import type { Database } from '../../db/connection.ts';
import type { Logger } from '../../logging/logger.ts';
import { retryBookingSignal } from '../../workflows/definitions.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { signalConversation } from '../temporal/signal-conversation.ts';

export interface RetryDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  signalTimeoutMs?: number;
}

export interface RetryOptions {
  /** How long to wait for the tries' outcomes; 0 answers as soon as the workflows are signalled. */
  waitMs?: number;
}

interface FailedRow {
  id: string;
  booking_attempts: number;
}

interface StateRow {
  id: string;
  booking_status: RetriedBooking['status'];
  booking_attempts: number;
  booking_last_error: string | null;
}

const batchSize = 10;
/** Long enough for a try against a healthy ServiceTitan on a busy host; short enough for a button. */
export const defaultOutcomeWaitMs = 8_000;
const pollMs = 250;

/** `reason` travels with the signal, so the workflow's history says why the booking was tried again. */
export async function retryFailedBookings(deps: RetryDeps, tenantId: string, reason: string, options: RetryOptions = {}): Promise<RetryFailedBookingsView> {
  const rows = await deps.db.sequelize.query<FailedRow>(
    `SELECT cv.id, cv.booking_attempts
       FROM conversations cv
      WHERE cv.tenant_id = :tenantId AND cv.booking_status = 'failed' AND cv.service_titan_booking_id IS NULL
      ORDER BY cv.updated_at DESC`,
    { replacements: { tenantId }, type: QueryTypes.SELECT },
  );
  const signalled: FailedRow[] = [];
  let notReached = 0;
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    const outcomes = await Promise.allSettled(
      batch.map((row) =>
        signalConversation(
          { temporal: deps.temporal, taskQueue: deps.taskQueue, timeoutMs: deps.signalTimeoutMs ?? 5_000 },
          { tenantId, conversationId: row.id },
          retryBookingSignal,
          [{ reason }],
        ),
      ),
    );
    outcomes.forEach((outcome, j) => {
      const row = batch[j];
      if (outcome.status === 'fulfilled' && row) signalled.push(row);
      else notReached++;
    });
    // Temporal is down: the rest would wait out the same deadline one batch at a time.
    if (outcomes.every((o) => o.status === 'rejected')) {
      notReached += Math.max(0, rows.length - i - batchSize);
      break;
    }
  }
  const bookings = await awaitOutcomes(deps.db, tenantId, signalled, options.waitMs ?? 0);
  const view = summarise(bookings, notReached);
  if (rows.length > 0) {
    deps.logger.info('retried failed ServiceTitan bookings', {
      tenantId,
      retried: view.retried,
      booked: view.booked,
      failedAgain: view.failedAgain,
      stillTrying: view.stillTrying,
      notReached,
    });
  }
  return view;
}

/**
 * The retried bookings as the database has them once every try has ended or `waitMs` is up. A try has
 * ended when the booking is created, or its attempt count went up and it is no longer `pending` (refused
 * again: `failed`; ServiceTitan unavailable: `retrying`, which Temporal keeps at).
 */
async function awaitOutcomes(db: Database, tenantId: string, signalled: FailedRow[], waitMs: number): Promise<RetriedBooking[]> {
  const before = new Map(signalled.map((r) => [r.id, r.booking_attempts]));
  const deadline = Date.now() + waitMs;
  for (;;) {
    const bookings = signalled.length === 0 ? [] : await currentStates(db, tenantId, [...before.keys()], before);
    if (bookings.every((b) => b.settled) || Date.now() >= deadline) return bookings;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function currentStates(db: Database, tenantId: string, ids: string[], before: Map<string, number>): Promise<RetriedBooking[]> {
  const rows = await db.sequelize.query<StateRow>(
    `SELECT id, booking_status, booking_attempts, booking_last_error
       FROM conversations WHERE tenant_id = :tenantId AND id IN (:ids)`,
    { replacements: { tenantId, ids }, type: QueryTypes.SELECT },
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const tried = row.booking_attempts > (before.get(id) ?? 0);
    const settled = row.booking_status === 'created' || row.booking_status === 'skipped' || (tried && row.booking_status !== 'pending');
    return [{ conversationId: id, status: row.booking_status, attempts: row.booking_attempts, lastError: row.booking_last_error, settled }];
  });
}

function summarise(bookings: RetriedBooking[], notReached: number): RetryFailedBookingsView {
  const booked = bookings.filter((b) => b.status === 'created').length;
  const failedAgain = bookings.filter((b) => b.settled && b.status === 'failed').length;
  const skipped = bookings.filter((b) => b.status === 'skipped').length;
  return {
    retried: bookings.length,
    booked,
    failedAgain,
    stillTrying: bookings.length - booked - failedAgain - skipped,
    notReached,
    bookings,
  };
}

/** For the button: an answer that says so when nothing could be retried because Temporal is down. */
export async function retryFailedBookingsOrThrow(deps: RetryDeps, tenantId: string, reason: string, options: RetryOptions = {}): Promise<RetryFailedBookingsView> {
  const result = await retryFailedBookings(deps, tenantId, reason, options);
  if (result.retried === 0 && result.notReached > 0) {
    throw new ServiceUnavailableError('The workflow service (Temporal) could not be reached, so nothing was retried. Try again in a minute.');
  }
  return result;
}
