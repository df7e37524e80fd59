// ServiceTitan clients built without a guard (as the booking activity builds them) are held to the
// process's policy: the strictest until a worker installs the one of its environment.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadEnv } from '../../config/env.ts';
import { startFakeServiceTitan, type FakeServiceTitan } from '../../test/fakes/servicetitan/index.ts';
import { serviceTitanClientFor } from './client.ts';
import { defaultServiceTitanHosts, installServiceTitanEgress, serviceTitanEgress, serviceTitanEgressFor, serviceTitanEgressPolicy } from './egress.ts';
import { ServiceTitanError } from './errors.ts';
import { ServiceTitanTokenCache } from './token-cache.ts';

const tenant = { tenantId: '12345', clientId: 'cid.egress', clientSecret: 'cs.egress-secret', bookingProviderTags: [{ id: 77, name: 'IntelliSend' }] };
let fake: FakeServiceTitan;

beforeAll(async () => {
  fake = await startFakeServiceTitan({ tenants: [tenant] });
});
afterAll(async () => {
  await fake?.close();
});

function clientOfTheFake() {
  // No `egress` option: what the booking activity does.
  return serviceTitanClientFor(
    {
      authUrl: fake.authUrl,
      tenantApiBaseUrl: fake.url,
      serviceTitanTenantId: tenant.tenantId,
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      appKey: fake.appKey,
    },
    { tokenCache: new ServiceTitanTokenCache(), timeoutMs: 2_000 },
  );
}

it("allows ServiceTitan's hosts of both environments by default, and what the operator lists instead", () => {
  expect(defaultServiceTitanHosts).toEqual(['auth.servicetitan.io', 'api.servicetitan.io', 'auth-integration.servicetitan.io', 'api-integration.servicetitan.io']);
  expect(serviceTitanEgressPolicy({ NODE_ENV: 'production' })).toEqual({
    mode: 'production',
    allowedHosts: defaultServiceTitanHosts.map((host) => ({ host })),
  });
  expect(serviceTitanEgressPolicy({ NODE_ENV: 'test', SERVICETITAN_ALLOWED_HOSTS: 'st-proxy.internal:8443' })).toEqual({
    mode: 'development',
    allowedHosts: [{ host: 'st-proxy.internal', port: 8443 }],
  });
});

it('refuses a loopback fake before any guard is installed, without sending anything, and not as retryable', async () => {
  expect(serviceTitanEgress().policy.mode).toBe('production');
  const error = await clientOfTheFake().testConnection(77).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ServiceTitanError);
  expect(error).toMatchObject({
    kind: 'not_allowed',
    retryable: false,
    message: "That address is not allowed: IntelliSend only connects to ServiceTitan's own servers — check the API base URL and the auth URL",
  });
  expect(fake.requests).toHaveLength(0);
  expect(fake.tokenRequests).toBe(0);
});

it("uses the guard a worker installs for its environment", async () => {
  installServiceTitanEgress(serviceTitanEgressFor({ NODE_ENV: 'test' }));
  await clientOfTheFake().testConnection(77);
  expect(fake.requests.length).toBeGreaterThan(0);
  installServiceTitanEgress(serviceTitanEgressFor({ NODE_ENV: 'production' }));
  const before = fake.requests.length;
  await expect(clientOfTheFake().listBookings(77)).rejects.toMatchObject({ kind: 'not_allowed' });
  expect(fake.requests.length).toBe(before);
});

it('stops at startup on an allow-list entry that is not a host or host:port', () => {
  const keys = { ENCRYPTION_KEY: randomBytes(32).toString('base64'), SESSION_SECRET: randomBytes(32).toString('base64url') };
  expect(() => loadEnv({ NODE_ENV: 'test', SERVICETITAN_ALLOWED_HOSTS: 'https://api.servicetitan.io', ...keys })).toThrow(
    /SERVICETITAN_ALLOWED_HOSTS: must be comma-separated host or host:port entries/,
  );
  expect(loadEnv({ NODE_ENV: 'test', SERVICETITAN_ALLOWED_HOSTS: 'st-proxy.internal:8443, api.servicetitan.io', ...keys }).SERVICETITAN_ALLOWED_HOSTS).toBe(
    'st-proxy.internal:8443, api.servicetitan.io',
  );
});
