// Turns a non-2xx answer of the ServiceTitan API into a ServiceTitanError an admin can act on.
import { ServiceTitanError } from './errors.ts';
import { describeFieldErrors, parseProblemDetails, problemText } from './problem-details.ts';
import type { RequestContext } from './request-context.ts';
import { parseRetryAfterMs } from './retry-after.ts';

/** A 401 that names the app key: renewing the token would not help. */
export function isAppKeyRejection(status: number, bodyText: string): boolean {
  return status === 401 && /app[\s-]?key/i.test(problemText(parseProblemDetails(bodyText)));
}

function notFoundMessage(about: string, ctx: RequestContext): string {
  const tenant = ctx.serviceTitanTenantId;
  if (/booking[\s_-]?provider/i.test(about) && ctx.bookingProvider !== undefined) {
    return `Booking provider ${ctx.bookingProvider} was not found for ServiceTitan tenant ${tenant} — check that the tag exists and that the app is connected with it`;
  }
  if (/tenant/i.test(about)) {
    return `ServiceTitan tenant ${tenant} was not found — check the ServiceTitan tenant ID`;
  }
  if (ctx.bookingId !== undefined) {
    return `Booking ${ctx.bookingId} was not found in ServiceTitan tenant ${tenant}`;
  }
  const provider = ctx.bookingProvider !== undefined ? ` and booking provider ${ctx.bookingProvider}` : '';
  return `ServiceTitan answered 404 Not Found when trying to ${ctx.operation} — check the ServiceTitan tenant ID (${tenant})${provider}`;
}

export function errorFromApiResponse(
  status: number,
  headers: Headers,
  bodyText: string,
  ctx: RequestContext,
): ServiceTitanError {
  const problem = parseProblemDetails(bodyText);
  const about = problemText(problem);
  const base = { status, ...(problem.traceId ? { traceId: problem.traceId } : {}) };
  const retryAfterMs = parseRetryAfterMs(headers.get('retry-after'));
  const withRetryAfter = retryAfterMs === undefined ? {} : { retryAfterMs };

  if (status === 400 || status === 409 || status === 422) {
    const fields = describeFieldErrors(problem.errors);
    const what = status === 409 ? 'as a conflict' : 'as invalid';
    return new ServiceTitanError({
      ...base,
      kind: 'validation',
      message: `ServiceTitan rejected the request to ${ctx.operation} ${what} (${status})${fields ? `: ${fields}` : problem.title ? `: ${problem.title}` : ''}`,
      ...(problem.errors ? { details: problem.errors } : {}),
    });
  }
  if (status === 401) {
    if (isAppKeyRejection(status, bodyText)) {
      return new ServiceTitanError({
        ...base,
        kind: 'app_key',
        message:
          'ServiceTitan rejected the app key (ST-App-Key) — check the app key of the IntelliSend application in the ServiceTitan developer portal',
      });
    }
    return new ServiceTitanError({
      ...base,
      kind: 'invalid_credentials',
      message: `ServiceTitan rejected the request even with a fresh access token (401) — check the app key (ST-App-Key), and that the client ID and secret belong to ServiceTitan tenant ${ctx.serviceTitanTenantId} and the app is connected to it`,
    });
  }
  if (status === 403) {
    const message = /tenant/i.test(about)
      ? `The client ID and secret do not give access to ServiceTitan tenant ${ctx.serviceTitanTenantId} — check the ServiceTitan tenant ID (the credentials belong to another tenant)`
      : `ServiceTitan refused to ${ctx.operation} (403) — the app is probably missing the API scope ${ctx.scope}; reconnect the app in ServiceTitan with that scope`;
    return new ServiceTitanError({ ...base, kind: 'forbidden', message });
  }
  if (status === 404) {
    return new ServiceTitanError({ ...base, kind: 'not_found', message: notFoundMessage(about, ctx) });
  }
  if (status === 429) {
    return new ServiceTitanError({
      ...base,
      ...withRetryAfter,
      kind: 'rate_limited',
      message: `ServiceTitan is rate-limiting requests (429) while trying to ${ctx.operation}; it will be retried`,
    });
  }
  if (status >= 500) {
    return new ServiceTitanError({
      ...base,
      ...withRetryAfter,
      kind: 'server',
      message: `ServiceTitan had a server error (${status}) while trying to ${ctx.operation}; it will be retried`,
    });
  }
  return new ServiceTitanError({
    ...base,
    kind: 'unexpected',
    retryable: false,
    message: `ServiceTitan answered an unexpected HTTP ${status} when trying to ${ctx.operation}`,
  });
}
