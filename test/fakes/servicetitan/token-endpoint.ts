// POST /connect/token — OAuth 2.0 client credentials, as ServiceTitan's identity server answers it.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeServiceTitanState } from './fake-state.ts';
import { json, type Reply } from './reply.ts';

function oauthError(error: string, description: string): Reply {
  return { ...json({ error, error_description: description }, 400), headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } };
}

/** client_secret_post (form fields) or client_secret_basic (Authorization: Basic). */
function clientCredentials(form: URLSearchParams, headers: IncomingHttpHeaders): { id: string; secret: string } {
  const basic = /^Basic\s+(.+)$/i.exec(headers.authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
    }
  }
  return { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' };
}

export function handleTokenRequest(
  state: FakeServiceTitanState,
  bodyText: string,
  headers: IncomingHttpHeaders,
  lifetimeSeconds: number,
): Reply {
  state.tokenRequests++;
  if (!(headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return oauthError('invalid_request', 'The request must be form-encoded');
  }
  const form = new URLSearchParams(bodyText);
  if (form.get('grant_type') !== 'client_credentials') {
    return oauthError('unsupported_grant_type', 'Only client_credentials is supported');
  }
  const { id, secret } = clientCredentials(form, headers);
  const tenant = [...state.tenants.values()].find((t) => t.clientId === id);
  if (!tenant || tenant.clientSecret !== secret) return oauthError('invalid_client', 'Invalid client credentials');

  const accessToken = `fake-st-${randomBytes(24).toString('base64url')}`;
  state.tokens.set(accessToken, {
    accessToken,
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    scopes: [...tenant.scopes],
    expiresAt: Date.now() + lifetimeSeconds * 1000,
  });
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: { access_token: accessToken, expires_in: lifetimeSeconds, token_type: 'Bearer', scope: tenant.scopes.join(' ') },
  };
}
