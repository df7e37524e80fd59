// The checks every API call passes, in the order a gateway would make them:
// app key → bearer token → tenant of the path → scope.
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeServiceTitanState, FakeTenant, FakeToken } from './fake-state.ts';
import { problem, type Reply } from './reply.ts';

export type AuthOutcome = { ok: true; tenant: FakeTenant; token: FakeToken } | { ok: false; reply: Reply };

function bearerChallenge(error?: string, description?: string): Reply {
  const params = error ? ` error="${error}"${description ? `, error_description="${description}"` : ''}` : '';
  // ASP.NET's JWT handler answers 401 with a challenge header and no body.
  return { status: 401, headers: { 'www-authenticate': `Bearer${params}` } };
}

export function authorizeApiCall(
  state: FakeServiceTitanState,
  appKey: string,
  headers: IncomingHttpHeaders,
  pathTenantId: string,
  scope: string,
): AuthOutcome {
  const sentKey = headers['st-app-key'];
  if (typeof sentKey !== 'string' || sentKey === '') {
    return { ok: false, reply: problem(401, 'Missing ST-App-Key header', { 'ST-App-Key': ['The ST-App-Key header is required.'] }) };
  }
  if (sentKey !== appKey) {
    return { ok: false, reply: problem(401, 'Invalid app key', { 'ST-App-Key': ['The app key in ST-App-Key is not valid.'] }) };
  }

  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (!bearer?.[1]) return { ok: false, reply: bearerChallenge() };
  const token = state.tokens.get(bearer[1]);
  if (!token) return { ok: false, reply: bearerChallenge('invalid_token', 'The token is not valid') };
  if (Date.now() >= token.expiresAt) return { ok: false, reply: bearerChallenge('invalid_token', 'The token expired') };

  const tenant = state.tenants.get(pathTenantId);
  if (!tenant) {
    return { ok: false, reply: problem(404, 'Tenant not found', { tenant: [`Tenant ${pathTenantId} was not found.`] }) };
  }
  if (token.tenantId !== pathTenantId) {
    return {
      ok: false,
      reply: problem(403, 'Forbidden', { tenant: [`The access token was not issued for tenant ${pathTenantId}.`] }),
    };
  }
  if (!token.scopes.includes(scope)) {
    return { ok: false, reply: problem(403, 'Forbidden', { scope: [`The access token lacks the scope ${scope}.`] }) };
  }
  return { ok: true, tenant, token };
}
