import { ApplicationFailure, Context } from '@temporalio/activity';
import { Op, QueryTypes, type WhereOptions } from 'sequelize';
import type { Conversation } from '../db/models/conversation.ts';
import { serviceTitanClientFor } from '../clients/servicetitan/client.ts';
import { ServiceTitanError } from '../clients/servicetitan/errors.ts';
import { bookingPriorities, type BookingPriority } from '../clients/servicetitan/types.ts';
import { notifyConversationUpdated, notifyConversationUpdatedSql } from '../db/conversation-events.ts';
import { isBookable, loadServiceTitanConfig, missingBookingFields, type BookableServiceTitanSettings } from '../db/tenant-secrets.ts';
import { bookingExternalId } from '../domain/conversation-summary.ts';
import { optedOutReason } from '../domain/conversation-rules.ts';
import { formatPhoneForDisplay, nationalNumber } from '../domain/phone.ts';
import { fillContactName } from '../db/repositories/contact-names.ts';
import { bookingRequestFor } from '../db/repositories/assistant-sessions.ts';
import { lockEpisodeBooking } from './episode-booking-lock.ts';
import { episodeBookingSummary } from './episode-booking-summary.ts';
import type { ActivityDeps, BookingOutcome } from './types.ts';

export interface BookingInput {
  conversationId: string;
  /** The episode this booking is for: a later episode gets a booking of its own. */
  episode: number;
  /** Later tries (the workflow's retrying call) show the conversation as `retrying`. */
  retrying: boolean;
}

/** The activity: one attempt, heartbeating as Temporal runs it. */
export function createServiceTitanBooking(deps: ActivityDeps) {
  const attemptBooking = serviceTitanBookingAttempt(deps);
  return (input: BookingInput): Promise<BookingOutcome> => attemptBooking(input);
}

/**
 * One attempt at the episode's one ServiceTitan booking. ServiceTitan has no idempotency key, so each
 * attempt first looks the booking up by its stable externalId (conversation + episode), under a
 * per-conversation advisory lock so that an attempt Temporal gave up on but which still runs cannot
 * create a second one beside it. Under that lock, right before any create, it checks again that the
 * customer has not opted out and that the episode is still the current one.
 */
export function serviceTitanBookingAttempt(deps: ActivityDeps) {
  const { db, box, serviceTitanTokens, env, logger } = deps;
  const { sequelize, models } = db;

  async function setStatus(conversationId: string, tenantId: string, fields: Record<string, unknown>, where: WhereOptions<Conversation> = {}) {
    await models.Conversation.update(fields, { where: { ...where, id: conversationId } });
    await notifyConversationUpdated(sequelize, { tenantId, id: conversationId });
  }

  return async ({ conversationId, episode, retrying }: BookingInput): Promise<BookingOutcome> => {
    const conversation = await models.Conversation.findByPk(conversationId);
    if (!conversation) throw ApplicationFailure.nonRetryable(`Conversation ${conversationId} not found`, 'ServiceTitanConfigError');
    const { tenantId } = conversation;
    if (conversation.episode !== episode) return { status: 'skipped', reason: 'a later episode started' };
    if (conversation.serviceTitanBookingId) return { status: 'created', bookingId: conversation.serviceTitanBookingId };

    const config = await loadServiceTitanConfig(db, box, tenantId);
    if (!config || !config.enabled) {
      await setStatus(conversationId, tenantId, { bookingStatus: 'skipped', bookingLastError: null });
      return { status: 'skipped', reason: config ? 'ServiceTitan integration is turned off' : 'ServiceTitan is not configured' };
    }
    if (!isBookable(config)) {
      const error = `ServiceTitan integration is on but incomplete: set ${missingBookingFields(config).join(', ')} in Settings.`;
      await setStatus(conversationId, tenantId, { bookingStatus: 'failed', bookingLastError: error });
      throw ApplicationFailure.nonRetryable(error, 'ServiceTitanConfigError');
    }

    const retryingNow = retrying || Context.current().info.attempt > 1;
    await models.Conversation.update(
      { bookingStatus: retryingNow ? 'retrying' : 'pending', bookingAttempts: sequelize.literal('booking_attempts + 1') },
      { where: { id: conversationId, episode } },
    );

    const context = Context.current();
    const heartbeat = setInterval(() => context.heartbeat(), 2_000);
    let foundName: string | null = null;
    try {
      const outcome = await sequelize.transaction(async (transaction): Promise<BookingOutcome> => {
        const fresh = await lockEpisodeBooking(sequelize, conversationId, transaction);
        if (!fresh || fresh.episode !== episode) return { status: 'skipped', reason: 'a later episode started' };
        if (fresh.bookingId) return { status: 'created', bookingId: fresh.bookingId };
        // After an opt-out nothing more is created at ServiceTitan, whatever attempt this is.
        if (fresh.optedOut) {
          await models.Conversation.update({ bookingStatus: 'skipped', bookingLastError: optedOutReason }, { where: { id: conversationId }, transaction });
          return { status: 'skipped', reason: optedOutReason };
        }
        const { id, customerName } = await findOrCreateBooking(config, conversationId, episode);
        foundName = customerName;
        // A booking's outcome never changes needsAttention (domain/conversation-rules.ts).
        await sequelize.query(
          `WITH cv AS (
             UPDATE conversations
                SET service_titan_booking_id = :id, service_titan_booking_created_at = now(), booking_status = 'created',
                    booking_last_error = NULL, updated_at = now()
              WHERE id = :conversationId
              RETURNING id, tenant_id
           )
           SELECT ${notifyConversationUpdatedSql('cv')} FROM cv`,
          { replacements: { id, conversationId }, type: QueryTypes.SELECT, transaction },
        );
        return { status: 'created', bookingId: id };
      });
      if (outcome.status === 'skipped') await notifyConversationUpdated(sequelize, { tenantId, id: conversationId });
      // After the commit, so the contact row is never locked while ServiceTitan is called.
      if (foundName) await fillContactName(db, conversation.contactId, foundName);
      return outcome;
    } catch (err) {
      const failure = toFailure(err);
      logger.warn('ServiceTitan booking attempt failed', { conversationId, attempt: context.info.attempt, error: failure.message });
      // An attempt that was still running when the customer opted out leaves their `skipped` alone.
      await setStatus(
        conversationId,
        tenantId,
        { bookingLastError: failure.message, bookingStatus: failure.nonRetryable ? 'failed' : 'retrying' },
        { episode, bookingStatus: { [Op.ne]: 'skipped' } },
      );
      throw failure;
    } finally {
      clearInterval(heartbeat);
    }
  };

  /** The booking's id, and the name ServiceTitan knows the customer by (null when it does not). */
  async function findOrCreateBooking(
    config: BookableServiceTitanSettings,
    conversationId: string,
    episode: number,
  ): Promise<{ id: string; customerName: string | null }> {
    const client = serviceTitanClientFor(config, { tokenCache: serviceTitanTokens });
    const provider = config.bookingProvider;
    const externalId = bookingExternalId(conversationId, episode);
    const existing = await client.findBookingByExternalId(provider, externalId);
    if (existing) return { id: String(existing.id), customerName: null };

    // A window the customer chose with the assistant (request mode) is the booking's `start`.
    const request = await bookingRequestFor(db, conversationId, episode);
    const made = await episodeBookingSummary(db, env.PUBLIC_BASE_URL, conversationId, request);
    if (!made) throw ApplicationFailure.nonRetryable(`Conversation ${conversationId} not found`, 'ServiceTitanConfigError');
    const { context: { contact }, category, summary } = made;
    const fullName = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
    const customer = await client.findCustomerByPhone(contact.phone).catch(() => null);
    const created = await client.createBooking(provider, {
      source: config.bookingSourceLabel || 'IntelliSend SMS',
      name: fullName || customer?.name || `SMS customer ${formatPhoneForDisplay(contact.phone)}`,
      summary,
      isFirstTimeClient: !customer,
      externalId,
      contacts: [
        { type: 'MobilePhone', value: nationalNumber(contact.phone), memo: 'Texted via IntelliSend' },
        ...(contact.email ? [{ type: 'Email' as const, value: contact.email }] : []),
      ],
      ...(request ? { start: request.start } : {}),
      ...(category === 'complaint' ? { priority: bookingPriority(config.complaintPriority) } : {}),
      ...(config.businessUnitId ? { businessUnitId: config.businessUnitId } : {}),
      ...(config.jobTypeId ? { jobTypeId: config.jobTypeId } : {}),
      ...(config.campaignId ? { campaignId: config.campaignId } : {}),
    });
    return { id: String(created.id), customerName: customer?.name ?? null };
  }
}

/** Configuration and data problems stop the retries; outages and rate limits back off and retry. */
export function toFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ServiceTitanError) {
    if (!err.retryable) return ApplicationFailure.nonRetryable(err.message, 'ServiceTitanConfigError');
    return ApplicationFailure.create({
      message: err.message,
      type: err.kind === 'rate_limited' ? 'ServiceTitanRateLimited' : 'ServiceTitanUnavailable',
      nextRetryDelay: err.retryAfterMs,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return ApplicationFailure.create({ message: `Booking attempt failed: ${message}`, type: 'ServiceTitanUnavailable' });
}

/** Complaints default to High so the office sees them first. */
function bookingPriority(configured: string | null): BookingPriority {
  return bookingPriorities.find((p) => p === configured) ?? 'High';
}
