// Minimal checks of what ServiceTitan answered: enough to never hand callers something that is
// not a booking (say, an HTML page from a misconfigured base URL) typed as one.
import { ServiceTitanError } from './errors.ts';
import type { Booking, BookingProviderTag, CustomerSummary, Page } from './types.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unexpected(what: string): ServiceTitanError {
  return new ServiceTitanError({
    kind: 'unexpected',
    retryable: false,
    message: `ServiceTitan answered something that is not ${what} — check the API base URL`,
  });
}

export function asBooking(value: unknown): Booking {
  if (!isRecord(value) || typeof value.id !== 'number' || typeof value.externalId !== 'string') {
    throw unexpected('a booking');
  }
  return value as unknown as Booking;
}

export function asPage(value: unknown, what: string): Page<unknown> {
  if (!isRecord(value) || !Array.isArray(value.data)) throw unexpected(`a page of ${what}`);
  return {
    page: typeof value.page === 'number' ? value.page : 1,
    pageSize: typeof value.pageSize === 'number' ? value.pageSize : value.data.length,
    hasMore: value.hasMore === true,
    totalCount: typeof value.totalCount === 'number' ? value.totalCount : null,
    data: value.data,
  };
}

export function asBookingPage(value: unknown): Page<Booking> {
  const page = asPage(value, 'bookings');
  return { ...page, data: page.data.map(asBooking) };
}

export function asBookingProviderTag(value: unknown): BookingProviderTag {
  if (!isRecord(value) || typeof value.id !== 'number' || typeof value.tagName !== 'string') {
    throw unexpected('a booking provider tag');
  }
  return value as unknown as BookingProviderTag;
}

export function asCustomerSummary(value: unknown): CustomerSummary & { active: boolean } {
  if (!isRecord(value) || typeof value.id !== 'number' || typeof value.name !== 'string') {
    throw unexpected('a customer');
  }
  return { id: value.id, name: value.name, active: value.active !== false };
}
