// A ServiceTitan client for values an admin typed (saved or not), the tag-name lookup, and the
// person-readable outcome of "Test connection".
import { ServiceTitanClient, isServiceTitanError, serviceTitanClientFor, type ServiceTitanError, type ServiceTitanTokenCache } from '../../clients/servicetitan/index.ts';
import type { EgressGuard } from '../../clients/egress/index.ts';
import type { Logger } from '../../logging/logger.ts';
import { isTagId, type ServiceTitanValues } from './servicetitan-fields.ts';

export interface ConnectionDeps {
  tokens: ServiceTitanTokenCache;
  logger: Logger;
  /** Per HTTP request to ServiceTitan (default 10 s). */
  timeoutMs?: number;
  /** Every request of the test and the tag lookup goes through it. */
  egress: EgressGuard;
}

type Complete = ServiceTitanValues & { serviceTitanTenantId: string; clientId: string; clientSecret: string; appKey: string };

export function hasCredentials(values: ServiceTitanValues): values is Complete {
  return Boolean(values.serviceTitanTenantId && values.clientId && values.clientSecret && values.appKey);
}

export function clientFor(deps: ConnectionDeps, values: Complete): ServiceTitanClient {
  return serviceTitanClientFor(values, {
    tokenCache: deps.tokens,
    timeoutMs: deps.timeoutMs ?? 10_000,
    logger: deps.logger,
    egress: deps.egress,
  });
}

/**
 * The client's messages are written for the booking workflow; a person pressing a button is not
 * "retried". Nothing the remote server wrote is repeated: a validation answer's field texts are
 * ServiceTitan's words about a request the admin did not write.
 */
export function describeForAdmin(error: ServiceTitanError): string {
  if (error.kind === 'validation' && error.status !== undefined) {
    return `ServiceTitan rejected the test request as invalid (${error.status}) — check the ServiceTitan tenant ID and the booking provider`;
  }
  const message = error.message.replace(/;\s*it will be retried\.?$/, '');
  if (error.kind === 'timeout') return `${message} — check the URL, or try again in a minute`;
  if (error.kind === 'rate_limited' || error.kind === 'server') return `${message} — try again in a minute`;
  return message;
}

export type TagResolution = { ok: true; id: string } | { ok: false; error: string };

/** Turns a booking provider typed as a tag name into the tag's id through ServiceTitan's tag list. */
export async function resolveBookingProvider(deps: ConnectionDeps, values: ServiceTitanValues): Promise<TagResolution> {
  const typed = values.bookingProvider;
  if (typed === null) return { ok: false, error: 'Enter the booking provider tag: its numeric id or its name.' };
  if (isTagId(typed)) return { ok: true, id: typed };
  if (!hasCredentials(values)) {
    return {
      ok: false,
      error: `To find the tag named "${typed}", fill in the ServiceTitan tenant ID, client ID, client secret and app key first — or enter the tag's numeric id.`,
    };
  }
  let tags;
  try {
    tags = await clientFor(deps, values).findBookingProviderTags(typed);
  } catch (error) {
    if (!isServiceTitanError(error)) throw error;
    return { ok: false, error: `The booking provider tag "${typed}" could not be looked up: ${describeForAdmin(error)}` };
  }
  const wanted = typed.toLowerCase();
  const exact = tags
    .filter((t) => t.tagName.trim().toLowerCase() === wanted)
    .sort((a, b) => Number(b.active) - Number(a.active) || a.id - b.id);
  const match = exact[0];
  if (match) return { ok: true, id: String(match.id) };
  const similar = tags.slice(0, 5).map((t) => `"${t.tagName}" (id ${t.id})`);
  return {
    ok: false,
    error:
      `No booking provider tag named "${typed}" was found in ServiceTitan tenant ${values.serviceTitanTenantId}` +
      (similar.length > 0 ? `. Tags with similar names: ${similar.join(', ')}.` : ' — check the name under Settings → Integrations → Booking Provider Tags, or enter its numeric id.'),
  };
}

export type TestOutcome = { ok: true; bookingProviderId: string } | { ok: false; error: string };

/** Token, then one page of one booking: proves credentials, app key, tenant id, scope and tag together. */
export async function testServiceTitanConnection(deps: ConnectionDeps, values: ServiceTitanValues): Promise<TestOutcome> {
  if (!hasCredentials(values)) return { ok: false, error: 'Fill in the ServiceTitan tenant ID, client ID, client secret and app key first.' };
  const tag = await resolveBookingProvider(deps, values);
  if (!tag.ok) return tag;
  try {
    await clientFor(deps, values).testConnection(tag.id);
    return { ok: true, bookingProviderId: tag.id };
  } catch (error) {
    if (!isServiceTitanError(error)) throw error;
    return { ok: false, error: describeForAdmin(error) };
  }
}
