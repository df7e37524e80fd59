// Minimal checks of what the JPM, dispatch and CRM endpoints answered, shared by the concept modules
// (customers.ts, jobs.ts, appointments.ts, capacity.ts): enough that an HTML page or an error object
// from a misconfigured base URL is never handed on typed as a job or a capacity window.
import { ServiceTitanError } from './errors.ts';
import { asPage } from './response-shapes.ts';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function unexpectedAnswer(what: string): ServiceTitanError {
  return new ServiceTitanError({
    kind: 'unexpected',
    retryable: false,
    message: `ServiceTitan answered something that is not ${what} — check the API base URL`,
  });
}

/** A record with these members of these `typeof`s, or an `unexpected` error naming `what`. */
export function withMembers<T>(value: unknown, what: string, members: Record<string, 'number' | 'string' | 'boolean' | 'object'>): T {
  if (!isRecord(value)) throw unexpectedAnswer(what);
  for (const [name, kind] of Object.entries(members)) {
    if (typeof value[name] !== kind) throw unexpectedAnswer(what);
  }
  return value as T;
}

/** Every item of a page, checked one by one. */
export function pageOf<T>(value: unknown, what: string, item: (v: unknown) => T): T[] {
  return asPage(value, what).data.map(item);
}

/** Comma-separated ids for the `ids`-style filters (ServiceTitan takes at most 50). */
export function idList(ids: readonly number[]): string {
  if (ids.length > 50) throw new ServiceTitanError({ kind: 'validation', message: 'ServiceTitan takes at most 50 ids per request' });
  return ids.map((id) => String(Math.trunc(id))).join(',');
}
