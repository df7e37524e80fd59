// The episode's ServiceTitan booking, one under way at a time per conversation. The first try runs alone,
// so `BookingStatus="retrying"` shows as soon as it fails; then the retries (backoff, up to a day). The
// customer's opt-out (intent `stop`) cancels an attempt under way; a booking wanted meanwhile for a later
// episode starts once the current one has ended.
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import { optedOutReason, type BookingIntent } from '../domain/conversation-rules.ts';
import { bookingFirstTry, bookingRetries, store } from './activity-options.ts';
import type { BookingStatus } from './definitions.ts';
import { failureMessage, isConfigError } from './failures.ts';

export interface BookingState {
  bookingStatus: BookingStatus;
  /** The booking under way, to cancel when the customer opts out. */
  booking: CancellationScope | null;
  /** An episode to book once the booking under way has ended. */
  bookingWanted: number | null;
}

export interface BookingHooks {
  conversationId: string;
  state: BookingState;
  setBookingStatus(status: BookingStatus): void;
  recordProblem(kind: string, error: string): Promise<void>;
}

/** Applies a decision's booking intent for an episode. */
export function episodeBooking({ conversationId, state, setBookingStatus, recordProblem }: BookingHooks) {
  async function book(episode: number): Promise<void> {
    const scope = (state.booking = new CancellationScope());
    setBookingStatus('pending');
    try {
      const outcome = await scope.run(async () => {
        try {
          return await bookingFirstTry.createServiceTitanBooking({ conversationId, episode, retrying: false });
        } catch (err) {
          if (isCancellation(err) || isConfigError(err)) throw err;
          setBookingStatus('retrying');
          return await bookingRetries.createServiceTitanBooking({ conversationId, episode, retrying: true });
        }
      });
      setBookingStatus(outcome.status);
    } catch (err) {
      const stopped = isCancellation(err);
      setBookingStatus(stopped ? 'skipped' : 'failed');
      const reason = stopped ? optedOutReason : failureMessage(err);
      await store.recordBookingEnded({ conversationId, episode, status: stopped ? 'skipped' : 'failed', reason });
      if (!stopped) await recordProblem('booking-failed', reason);
    } finally {
      state.booking = null;
    }
    const wanted = state.bookingWanted;
    state.bookingWanted = null;
    if (wanted !== null && !(wanted === episode && state.bookingStatus === 'created')) void book(wanted);
  }

  return function applyBooking(intent: BookingIntent, episode: number): void {
    if (intent === 'stop') {
      state.bookingWanted = null;
      state.booking?.cancel();
    } else if (intent === 'start') {
      if (state.booking) state.bookingWanted = episode;
      else void book(episode);
    }
  };
}
