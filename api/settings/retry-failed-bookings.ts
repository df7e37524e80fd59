// Bookings that stopped for good (a configuration or data problem ServiceTitan answered with a 4xx)
// get another try: each conversation's workflow is signalled, and starts over if it had ended.
import type { Client } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
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

export interface RetryResult {
  retried: number;
  /** Workflows Temporal could not be reached for (they stay `failed`; press the button again later). */
  notReached: number;
}

interface FailedRow {
  id: string;
}

const batchSize = 10;

/** `reason` travels with the signal, so the workflow's history says why the booking was tried again. */
export async function retryFailedBookings(deps: RetryDeps, tenantId: string, reason: string): Promise<RetryResult> {
  const rows = await deps.db.sequelize.query<FailedRow>(
    `SELECT cv.id
       FROM conversations cv
      WHERE cv.tenant_id = :tenantId AND cv.booking_status = 'failed' AND cv.service_titan_booking_id IS NULL
      ORDER BY cv.updated_at DESC`,
    { replacements: { tenantId }, type: QueryTypes.SELECT },
  );
  let retried = 0;
  let notReached = 0;
  for (let i = 0; i < rows.length; i += batchSize) {
    const outcomes = await Promise.allSettled(
      rows.slice(i, i + batchSize).map((row) =>
        signalConversation(
          { temporal: deps.temporal, taskQueue: deps.taskQueue, timeoutMs: deps.signalTimeoutMs ?? 5_000 },
          { tenantId, conversationId: row.id },
          retryBookingSignal,
          [{ reason }],
        ),
      ),
    );
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') retried++;
      else notReached++;
    }
    // Temporal is down: the rest would wait out the same deadline one batch at a time.
    if (outcomes.every((o) => o.status === 'rejected')) {
      notReached += Math.max(0, rows.length - i - batchSize);
      break;
    }
  }
  if (rows.length > 0) deps.logger.info('retrying failed ServiceTitan bookings', { tenantId, retried, notReached });
  return { retried, notReached };
}

/** For the button: an answer that says so when nothing could be retried because Temporal is down. */
export async function retryFailedBookingsOrThrow(deps: RetryDeps, tenantId: string, reason: string): Promise<RetryResult> {
  const result = await retryFailedBookings(deps, tenantId, reason);
  if (result.retried === 0 && result.notReached > 0) {
    throw new ServiceUnavailableError('The workflow service (Temporal) could not be reached, so nothing was retried. Try again in a minute.');
  }
  return result;
}
