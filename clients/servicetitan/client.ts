// ServiceTitan CRM v2 client for one IntelliSend tenant's connection: bookings of a booking
// provider, booking provider tags, and customer search. Every failure is a ServiceTitanError.
import type { Logger } from '../../logging/logger.ts';
import { registerSecret } from '../../logging/logger.ts';
import { nationalNumber } from '../../domain/phone.ts';
import type { EgressFetch, EgressGuard } from '../egress/index.ts';
import { errorFromApiResponse, isAppKeyRejection } from './api-error.ts';
import { serviceTitanEgress } from './egress.ts';
import { ServiceTitanError, isServiceTitanError } from './errors.ts';
import type { RequestContext } from './request-context.ts';
import { asBooking, asBookingPage, asBookingProviderTag, asCustomerSummary, asPage } from './response-shapes.ts';
import type { ServiceTitanTokenCache } from './token-cache.ts';
import { requestServiceTitanToken } from './token-request.ts';
import { errorFromTransportFailure } from './transport-error.ts';
import type {
  Booking,
  BookingProviderId,
  BookingProviderTag,
  CreateBookingBody,
  CustomerSummary,
  ListBookingsQuery,
  Page,
  PatchBookingBody,
} from './types.ts';

export interface ServiceTitanClientOptions {
  authUrl: string;
  /** API host, e.g. https://api.servicetitan.io (no /crm/v2). */
  apiBaseUrl: string;
  serviceTitanTenantId: string | number;
  clientId: string;
  clientSecret: string;
  appKey: string;
  tokenCache: ServiceTitanTokenCache;
  /** Per HTTP request, token request included. */
  timeoutMs?: number;
  /** Every request goes through it; default: the process's (serviceTitanEgress()). */
  egress?: EgressGuard;
  logger?: Logger;
}

type QueryValue = string | number | boolean | undefined;

interface RawAnswer {
  status: number;
  headers: Headers;
  bodyText: string;
}

const scopes = {
  bookingsRead: 'tn.crm.bookings:r',
  bookingsWrite: 'tn.crm.bookings:w',
  tagsRead: 'tn.crm.bookingprovidertags:r',
  customersRead: 'tn.crm.customers:r',
} as const;

function integerId(value: BookingProviderId, what: string): string {
  const text = String(value).trim();
  if (!/^\d+$/.test(text)) {
    throw new ServiceTitanError({
      kind: 'validation',
      message: `The ${what} must be a whole number (got "${text.slice(0, 40)}")`,
    });
  }
  return text;
}

export class ServiceTitanClient {
  readonly #authUrl: string;
  readonly #apiBaseUrl: string;
  readonly #tenantId: string;
  readonly #clientId: string;
  readonly #clientSecret: string;
  readonly #appKey: string;
  readonly #tokenCache: ServiceTitanTokenCache;
  readonly #timeoutMs: number;
  readonly #fetch: EgressFetch;
  readonly #logger: Logger | undefined;

  constructor(options: ServiceTitanClientOptions) {
    this.#authUrl = options.authUrl;
    this.#apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
    this.#tenantId = String(options.serviceTitanTenantId).trim();
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#appKey = options.appKey;
    this.#tokenCache = options.tokenCache;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#fetch = (options.egress ?? serviceTitanEgress()).fetch;
    this.#logger = options.logger;
    // Whatever ends up in a log line, these never do.
    registerSecret(options.clientSecret);
    registerSecret(options.appKey);
  }

  /** A live access token, from the shared cache when it has one. */
  async getToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    try {
      return await this.#tokenCache.get(
        { authUrl: this.#authUrl, clientId: this.#clientId, clientSecret: this.#clientSecret },
        () =>
          requestServiceTitanToken({
            authUrl: this.#authUrl,
            clientId: this.#clientId,
            clientSecret: this.#clientSecret,
            timeoutMs: this.#timeoutMs,
            fetch: this.#fetch,
          }),
        options,
      );
    } catch (error) {
      throw this.#scrub(error);
    }
  }

  /** The booking created with this externalId, or null. Call before every create: there is no idempotency key. */
  async findBookingByExternalId(bookingProvider: BookingProviderId, externalId: string): Promise<Booking | null> {
    const page = await this.listBookings(bookingProvider, { externalId, pageSize: 50 });
    // Checked again here in case the filter is ever looser than an exact match; oldest wins.
    const matches = page.data.filter((b) => b.externalId === externalId).sort((a, b) => a.id - b.id);
    return matches[0] ?? null;
  }

  /**
   * Creates a booking. A `network` or `timeout` error may hide a booking that was created:
   * look it up with findBookingByExternalId before trying again.
   */
  async createBooking(bookingProvider: BookingProviderId, body: CreateBookingBody): Promise<Booking> {
    const provider = integerId(bookingProvider, 'booking provider');
    const json = await this.#request('POST', `/booking-provider/${provider}/bookings`, {}, body, {
      operation: 'create a booking',
      scope: scopes.bookingsWrite,
      bookingProvider: provider,
    });
    return asBooking(json);
  }

  async getBooking(bookingProvider: BookingProviderId, bookingId: number): Promise<Booking> {
    const provider = integerId(bookingProvider, 'booking provider');
    const id = integerId(bookingId, 'booking id');
    const json = await this.#request('GET', `/booking-provider/${provider}/bookings/${id}`, {}, undefined, {
      operation: 'read a booking',
      scope: scopes.bookingsRead,
      bookingProvider: provider,
      bookingId: Number(id),
    });
    return asBooking(json);
  }

  async patchBooking(bookingProvider: BookingProviderId, bookingId: number, body: PatchBookingBody): Promise<Booking> {
    const provider = integerId(bookingProvider, 'booking provider');
    const id = integerId(bookingId, 'booking id');
    const json = await this.#request('PATCH', `/booking-provider/${provider}/bookings/${id}`, {}, body, {
      operation: 'update a booking',
      scope: scopes.bookingsWrite,
      bookingProvider: provider,
      bookingId: Number(id),
    });
    return asBooking(json);
  }

  async listBookings(bookingProvider: BookingProviderId, query: ListBookingsQuery = {}): Promise<Page<Booking>> {
    const provider = integerId(bookingProvider, 'booking provider');
    const { ids, ...rest } = query;
    const json = await this.#request(
      'GET',
      `/booking-provider/${provider}/bookings`,
      { ...rest, ids: ids?.join(',') },
      undefined,
      { operation: 'list bookings', scope: scopes.bookingsRead, bookingProvider: provider },
    );
    return asBookingPage(json);
  }

  /** Booking provider tags whose name matches, to turn a tag name typed by an admin into its id. */
  async findBookingProviderTags(name: string): Promise<BookingProviderTag[]> {
    const json = await this.#request('GET', '/booking-provider-tags', { name, pageSize: 50 }, undefined, {
      operation: 'list booking provider tags',
      scope: scopes.tagsRead,
    });
    return asPage(json, 'booking provider tags').data.map(asBookingProviderTag);
  }

  /**
   * The ServiceTitan customer with this phone number, or null. Optional enrichment: the expected
   * phone format is undocumented (the 10-digit national number is tried), and a connection without
   * the customers scope (403) just finds nothing.
   */
  async findCustomerByPhone(phoneE164: string): Promise<CustomerSummary | null> {
    let json: unknown;
    try {
      json = await this.#request('GET', '/customers', { phone: nationalNumber(phoneE164), pageSize: 10 }, undefined, {
        operation: 'search customers by phone',
        scope: scopes.customersRead,
      });
    } catch (error) {
      if (isServiceTitanError(error) && error.kind === 'forbidden') return null;
      throw error;
    }
    const match = asPage(json, 'customers').data.map(asCustomerSummary).find((c) => c.active);
    return match ? { id: match.id, name: match.name } : null;
  }

  /**
   * Proves credentials, app key, tenant id, scope and booking provider together: a fresh token,
   * then one page of one booking. Throws a ServiceTitanError whose message names what failed.
   */
  async testConnection(bookingProvider: BookingProviderId): Promise<void> {
    await this.getToken({ forceRefresh: true });
    await this.listBookings(bookingProvider, { pageSize: 1 });
  }

  async #request(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    query: Record<string, QueryValue>,
    body: unknown,
    context: Omit<RequestContext, 'serviceTitanTenantId'>,
  ): Promise<unknown> {
    const ctx: RequestContext = { ...context, serviceTitanTenantId: this.#tenantId };
    try {
      const tenant = integerId(this.#tenantId, 'ServiceTitan tenant ID');
      const url = new URL(`${this.#apiBaseUrl}/crm/v2/tenant/${tenant}${path}`);
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
      }
      let token = await this.getToken();
      let answer = await this.#send(method, url, token, body);
      if (answer.status === 401 && !isAppKeyRejection(answer.status, answer.bodyText)) {
        // Revoked or expired early: renew once. Another 401 is reported, not looped on.
        this.#logger?.warn('servicetitan token rejected; renewing once', { path: url.pathname });
        this.#tokenCache.invalidate(this.#authUrl, this.#clientId, token);
        token = await this.getToken();
        answer = await this.#send(method, url, token, body);
      }
      if (answer.status < 200 || answer.status >= 300) {
        throw errorFromApiResponse(answer.status, answer.headers, answer.bodyText, ctx);
      }
      if (answer.bodyText.trim() === '') return undefined;
      try {
        return JSON.parse(answer.bodyText);
      } catch {
        throw new ServiceTitanError({
          kind: 'unexpected',
          status: answer.status,
          retryable: false,
          message: `ServiceTitan answered ${ctx.operation} with something that is not JSON — check the API base URL`,
        });
      }
    } catch (error) {
      throw this.#scrub(error);
    }
  }

  async #send(method: string, url: URL, token: string, body: unknown): Promise<RawAnswer> {
    const started = Date.now();
    try {
      const res = await this.#fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'st-app-key': this.#appKey,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const bodyText = await res.text();
      this.#logger?.debug('servicetitan request', { method, path: url.pathname, status: res.status, ms: Date.now() - started });
      return { status: res.status, headers: res.headers, bodyText };
    } catch (error) {
      throw errorFromTransportFailure(error, `the ServiceTitan API at ${url.origin}`, this.#timeoutMs);
    }
  }

  /** Last line of defence: no message leaves this client with the secret or the app key in it. */
  #scrub(error: unknown): unknown {
    if (error instanceof Error) {
      for (const secret of [this.#clientSecret, this.#appKey]) {
        if (secret && error.message.includes(secret)) error.message = error.message.split(secret).join('[redacted]');
      }
    }
    return error;
  }
}

/** A tenant's saved (or typed) connection, in the settings' field names. */
export interface ServiceTitanConnection {
  authUrl: string;
  tenantApiBaseUrl: string;
  serviceTitanTenantId: string;
  clientId: string;
  clientSecret: string;
  appKey: string;
}

/** The client for a tenant's connection; `options` adds the token cache and transport settings. */
export function serviceTitanClientFor(
  connection: ServiceTitanConnection,
  options: Omit<ServiceTitanClientOptions, 'authUrl' | 'apiBaseUrl' | 'serviceTitanTenantId' | 'clientId' | 'clientSecret' | 'appKey'>,
): ServiceTitanClient {
  return new ServiceTitanClient({
    authUrl: connection.authUrl,
    apiBaseUrl: connection.tenantApiBaseUrl,
    serviceTitanTenantId: connection.serviceTitanTenantId,
    clientId: connection.clientId,
    clientSecret: connection.clientSecret,
    appKey: connection.appKey,
    ...options,
  });
}
