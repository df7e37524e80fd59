import { ApplicationFailure, Context } from '@temporalio/activity';
import { ServiceTitanClient } from '../clients/servicetitan/client.ts';
import { ServiceTitanError } from '../clients/servicetitan/errors.ts';
import type { BookingPriority } from '../clients/servicetitan/types.ts';
import { notifyConversationUpdated } from '../db/conversation-events.ts';
import { loadServiceTitanConfig, type ServiceTitanSettings } from '../db/tenant-secrets.ts';
import { bookingExternalId, formatBookingSummary } from '../domain/conversation-summary.ts';
import { formatPhoneForDisplay, nationalNumber } from '../domain/phone.ts';
import { buildConversationSummary } from './build-conversation-summary.ts';
import type { ActivityDeps, BookingOutcome } from './types.ts';

const requiredFields = ['tenantApiBaseUrl', 'authUrl', 'serviceTitanTenantId', 'clientId', 'clientSecret', 'appKey', 'bookingProvider'] as const;

/**
 * Creates the conversation's one ServiceTitan booking. ServiceTitan has no idempotency key, so each
 * attempt first looks the booking up by its stable externalId, under a per-conversation advisory lock
 * so that an attempt Temporal gave up on but which still runs cannot create a second one beside it.
 */
export function createServiceTitanBooking(deps: ActivityDeps) {
  const { db, box, serviceTitanTokens, env, logger } = deps;
  const { sequelize, models } = db;

  async function setStatus(conversationId: string, tenantId: string, fields: Record<string, unknown>) {
    await models.Conversation.update(fields, { where: { id: conversationId } });
    await notifyConversationUpdated(sequelize, { tenantId, id: conversationId });
  }

  return async ({ conversationId }: { conversationId: string }): Promise<BookingOutcome> => {
    const conversation = await models.Conversation.findByPk(conversationId);
    if (!conversation) throw ApplicationFailure.nonRetryable(`Conversation ${conversationId} not found`, 'ServiceTitanConfigError');
    const { tenantId } = conversation;
    if (conversation.serviceTitanBookingId) return { status: 'created', bookingId: conversation.serviceTitanBookingId };

    const config = await loadServiceTitanConfig(db, box, tenantId);
    if (!config || !config.enabled) {
      await setStatus(conversationId, tenantId, { bookingStatus: 'skipped', bookingLastError: null });
      return { status: 'skipped', reason: config ? 'ServiceTitan integration is turned off' : 'ServiceTitan is not configured' };
    }
    const missing = requiredFields.filter((f) => !config[f]);
    if (missing.length > 0) {
      const error = `ServiceTitan integration is on but incomplete: set ${missing.join(', ')} in Settings.`;
      await setStatus(conversationId, tenantId, { bookingStatus: 'failed', bookingLastError: error });
      throw ApplicationFailure.nonRetryable(error, 'ServiceTitanConfigError');
    }

    const context = Context.current();
    const attempt = context.info.attempt;
    await models.Conversation.update(
      { bookingStatus: attempt > 1 ? 'retrying' : 'pending', bookingAttempts: sequelize.literal('booking_attempts + 1') },
      { where: { id: conversationId } },
    );

    // A local first try has no heartbeat: the workflow task it runs in is what times out if we die.
    const heartbeat = context.info.isLocal ? undefined : setInterval(() => context.heartbeat(), 2_000);
    try {
      const bookingId = await sequelize.transaction(async (transaction) => {
        // Bounded wait: a stuck earlier attempt holds the lock at most for its own HTTP timeouts.
        await sequelize.query("SET LOCAL lock_timeout = '25s'", { transaction });
        await sequelize.query('SELECT pg_advisory_xact_lock(hashtext(:key))', {
          replacements: { key: `servicetitan-booking:${conversationId}` },
          transaction,
        });
        const fresh = await models.Conversation.findByPk(conversationId, { transaction });
        if (fresh?.serviceTitanBookingId) return fresh.serviceTitanBookingId;
        const id = await findOrCreateBooking(config, conversationId);
        await models.Conversation.update(
          {
            serviceTitanBookingId: id,
            serviceTitanBookingCreatedAt: new Date(),
            bookingStatus: 'created',
            bookingLastError: null,
            needsAttention: true,
          },
          { where: { id: conversationId }, transaction },
        );
        await notifyConversationUpdated(sequelize, { tenantId, id: conversationId }, transaction);
        return id;
      });
      return { status: 'created', bookingId };
    } catch (err) {
      const failure = toFailure(err);
      logger.warn('ServiceTitan booking attempt failed', { conversationId, attempt, error: failure.message });
      await setStatus(conversationId, tenantId, {
        bookingLastError: failure.message,
        ...(failure.nonRetryable ? { bookingStatus: 'failed' } : { bookingStatus: 'retrying' }),
      });
      throw failure;
    } finally {
      clearInterval(heartbeat);
    }
  };

  async function findOrCreateBooking(config: ServiceTitanSettings, conversationId: string): Promise<string> {
    const client = new ServiceTitanClient({
      authUrl: config.authUrl!,
      apiBaseUrl: config.tenantApiBaseUrl!,
      serviceTitanTenantId: config.serviceTitanTenantId!,
      clientId: config.clientId!,
      clientSecret: config.clientSecret!,
      appKey: config.appKey!,
      tokenCache: serviceTitanTokens,
    });
    const provider = config.bookingProvider!;
    const externalId = bookingExternalId(conversationId);
    const existing = await client.findBookingByExternalId(provider, externalId);
    if (existing) return String(existing.id);

    const conversation = await models.Conversation.findByPk(conversationId, { rejectOnEmpty: true });
    const [contact, number, tenant, lastInbound] = await Promise.all([
      models.Contact.findByPk(conversation.contactId, { rejectOnEmpty: true }),
      models.PhoneNumber.findByPk(conversation.phoneNumberId, { rejectOnEmpty: true }),
      models.Tenant.findByPk(conversation.tenantId, { rejectOnEmpty: true }),
      models.Message.findOne({ where: { conversationId, direction: 'inbound' }, order: [['createdAt', 'DESC']] }),
    ]);
    const category = conversation.category === 'complaint' ? 'complaint' : 'engaged';
    const summary = formatBookingSummary({
      tenantName: tenant.name,
      twilioNumber: number.phone,
      lastInboundMessage: lastInbound?.body ?? '',
      transcript: await buildConversationSummary(db, conversationId, 5, 800),
      category,
      conversationUrl: `${env.PUBLIC_BASE_URL}/conversations/${conversationId}`,
    });
    const fullName = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
    const customer = await client.findCustomerByPhone(contact.phone).catch(() => null);
    const booking = await client.createBooking(provider, {
      source: config.bookingSourceLabel || 'IntelliSend SMS',
      name: fullName || customer?.name || `SMS customer ${formatPhoneForDisplay(contact.phone)}`,
      summary,
      isFirstTimeClient: !customer,
      externalId,
      contacts: [
        { type: 'MobilePhone', value: nationalNumber(contact.phone), memo: 'Texted via IntelliSend' },
        ...(contact.email ? [{ type: 'Email' as const, value: contact.email }] : []),
      ],
      ...(category === 'complaint' ? { priority: bookingPriority(config.complaintPriority) } : {}),
      ...(config.businessUnitId ? { businessUnitId: config.businessUnitId } : {}),
      ...(config.jobTypeId ? { jobTypeId: config.jobTypeId } : {}),
      ...(config.campaignId ? { campaignId: config.campaignId } : {}),
    });
    return String(booking.id);
  }
}

/** Configuration and data problems stop the retries; outages and rate limits back off and retry. */
function toFailure(err: unknown): ApplicationFailure {
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

const priorities: readonly BookingPriority[] = ['Low', 'Normal', 'High', 'Urgent'];
/** Complaints default to High so the office sees them first. */
function bookingPriority(configured: string | null): BookingPriority {
  return priorities.find((p) => p === configured) ?? 'High';
}
