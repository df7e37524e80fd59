// OAuth 2.0 client-credentials request to ServiceTitan's token endpoint (form-encoded; no refresh token).
import type { EgressFetch } from '../egress/index.ts';
import { ServiceTitanError } from './errors.ts';
import { parseRetryAfterMs } from './retry-after.ts';
import type { IssuedToken } from './token-cache.ts';
import { errorFromTransportFailure } from './transport-error.ts';

export interface TokenRequest {
  authUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  fetch: EgressFetch;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function oauthError(bodyText: string): string | undefined {
  try {
    const json: unknown = JSON.parse(bodyText);
    const code = json && typeof json === 'object' ? (json as { error?: unknown }).error : undefined;
    // Only a code shaped like OAuth's (invalid_client, …): whatever else the server wrote is not repeated.
    if (typeof code === 'string' && /^[a-z_]{1,40}$/.test(code)) return code;
  } catch {
    // Not JSON: fall through to the status code.
  }
  return undefined;
}

function errorFromTokenResponse(status: number, headers: Headers, bodyText: string, authUrl: string): ServiceTitanError {
  const host = hostOf(authUrl);
  const code = oauthError(bodyText);
  if (code === 'invalid_client' || code === 'unauthorized_client' || code === 'invalid_grant' || status === 401) {
    return new ServiceTitanError({
      kind: 'invalid_credentials',
      status,
      message: `ServiceTitan rejected the client ID or client secret (token endpoint ${host}) — check both, and that they belong to this environment`,
    });
  }
  if (code === 'invalid_scope') {
    return new ServiceTitanError({
      kind: 'forbidden',
      status,
      message: `ServiceTitan refused the token's scopes (token endpoint ${host}) — check the scopes the app is connected with`,
    });
  }
  if (status === 404) {
    return new ServiceTitanError({
      kind: 'not_found',
      status,
      message: `The ServiceTitan token URL was not found (${authUrl}) — check the environment or auth URL`,
    });
  }
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfterMs(headers.get('retry-after'));
    return new ServiceTitanError({
      kind: status === 429 ? 'rate_limited' : 'server',
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      message: `ServiceTitan's token endpoint (${host}) answered ${status}; it will be retried`,
    });
  }
  return new ServiceTitanError({
    kind: status === 400 ? 'invalid_credentials' : 'unexpected',
    status,
    retryable: false,
    message: `ServiceTitan's token endpoint (${host}) refused the token request (${status}${code ? ` ${code}` : ''}) — check the client ID, client secret and auth URL`,
  });
}

export async function requestServiceTitanToken(req: TokenRequest): Promise<IssuedToken> {
  const target = `ServiceTitan's token endpoint at ${hostOf(req.authUrl)}`;
  let status: number;
  let headers: Headers;
  let bodyText: string;
  try {
    const res = await req.fetch(req.authUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: req.clientId,
        client_secret: req.clientSecret,
      }).toString(),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    status = res.status;
    headers = res.headers;
    bodyText = await res.text();
  } catch (error) {
    throw errorFromTransportFailure(error, target, req.timeoutMs);
  }
  if (status < 200 || status >= 300) throw errorFromTokenResponse(status, headers, bodyText, req.authUrl);

  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    json = undefined;
  }
  const body = (json && typeof json === 'object' ? json : {}) as { access_token?: unknown; expires_in?: unknown };
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw new ServiceTitanError({
      kind: 'unexpected',
      status,
      retryable: false,
      message: `${target} answered without an access token — check the auth URL`,
    });
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in);
  // ServiceTitan documents 900 s; assume that when the answer omits it.
  return { accessToken: body.access_token, expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 900 };
}
