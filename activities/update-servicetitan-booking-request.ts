// Activity: the assistant took a booking request (request mode) in an episode whose ServiceTitan booking
// already exists (made when an earlier message needed a person, or by an earlier request of the customer).
// The chosen window and the transcript reach that booking by PATCH (`start`, `summary`), but only while
// ServiceTitan still has it `New`: once a CSR converted, accepted or dismissed it, it is not touched and the
// turn hands over to a person. With no booking yet there is nothing to update: the episode's booking
// (create-servicetitan-booking.ts) is created with the window. Never a second booking, and nothing after
// an opt-out: it runs under the same per-conversation lock as the create and re-reads under it.
// Idempotent: a retry GETs the booking again and PATCHes the same values.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { serviceTitanClientFor } from '../clients/servicetitan/client.ts';
import type { BookingStatus } from '../clients/servicetitan/types.ts';
import { bookingRequestFor } from '../db/repositories/assistant-sessions.ts';
import { isBookable, loadServiceTitanConfig } from '../db/tenant-secrets.ts';
import { optedOutReason } from '../domain/conversation-rules.ts';
import { bookingExternalId } from '../domain/conversation-summary.ts';
import { toFailure } from './create-servicetitan-booking.ts';
import { lockEpisodeBooking } from './episode-booking-lock.ts';
import { episodeBookingSummary } from './episode-booking-summary.ts';
import type { ActivityDeps } from './types.ts';

export interface BookingRequestUpdateInput {
  conversationId: string;
}

export type BookingRequestUpdate =
  /** No booking of the episode exists yet (or no request was kept): the episode's booking is created with the window. */
  | { outcome: 'toCreate' }
  /** The booking was still New: it now carries the window and the transcript. */
  | { outcome: 'updated'; bookingId: string }
  /** Not updated: the booking is no longer New at ServiceTitan, or the customer opted out. The turn hands over. */
  | { outcome: 'unchanged'; bookingId: string | null; reason: string };

/** Why the turn hands over when a CSR already handled the booking at ServiceTitan (the inbox shows it). */
export function notNewReason(status: BookingStatus): string {
  return `the ServiceTitan booking is already ${status}, so the new time was not booked`;
}

export function updateServiceTitanBookingRequest({ db, box, serviceTitanTokens, env }: ActivityDeps) {
  const { sequelize, models } = db;
  return async ({ conversationId }: BookingRequestUpdateInput): Promise<BookingRequestUpdate> => {
    const conversation = await models.Conversation.findByPk(conversationId);
    if (!conversation) return { outcome: 'unchanged', bookingId: null, reason: 'the conversation is gone' };
    const config = await loadServiceTitanConfig(db, box, conversation.tenantId);
    // Without a working integration the episode's booking path says why (skipped or failed).
    if (!config || !config.enabled || !isBookable(config)) return { outcome: 'toCreate' };
    const client = serviceTitanClientFor(config, { tokenCache: serviceTitanTokens });
    const provider = config.bookingProvider;

    const context = Context.current();
    const heartbeat = setInterval(() => context.heartbeat(), 2_000);
    try {
      return await sequelize.transaction(async (transaction): Promise<BookingRequestUpdate> => {
        const fresh = await lockEpisodeBooking(sequelize, conversationId, transaction);
        if (!fresh) return { outcome: 'unchanged', bookingId: null, reason: 'the conversation is gone' };
        if (fresh.optedOut) return { outcome: 'unchanged', bookingId: fresh.bookingId, reason: optedOutReason };
        const request = await bookingRequestFor(db, conversationId, fresh.episode);
        if (!request) return { outcome: 'toCreate' };
        // Not linked yet: a create whose answer was lost may still have made it.
        const bookingId = fresh.bookingId ?? (await client.findBookingByExternalId(provider, bookingExternalId(conversationId, fresh.episode)))?.id ?? null;
        if (bookingId === null) return { outcome: 'toCreate' };
        const booking = await client.getBooking(provider, Number(bookingId));
        if (booking.status !== 'New') return { outcome: 'unchanged', bookingId: String(bookingId), reason: notNewReason(booking.status) };
        const made = await episodeBookingSummary(db, env.PUBLIC_BASE_URL, conversationId, request);
        if (!made) return { outcome: 'unchanged', bookingId: String(bookingId), reason: 'the conversation is gone' };
        await client.patchBooking(provider, Number(bookingId), { start: request.start, summary: made.summary });
        return { outcome: 'updated', bookingId: String(bookingId) };
      });
    } catch (err) {
      if (err instanceof ApplicationFailure) throw err;
      throw toFailure(err);
    } finally {
      clearInterval(heartbeat);
    }
  };
}
