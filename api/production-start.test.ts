// NODE_ENV unset is production: the real API process refuses to start without its keys and services,
// saying what is missing, and with them serves Secure session cookies, security headers and one JSON log
// line per request.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../config/env.ts';
import { freePort } from '../scripts/temporal-dev-server.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { runApiProcess, startChildApi, type ChildApi } from '../test/support/child-api.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { createTenant, createUser } from '../test/support/factories.ts';

let test: TestDatabase;
let api: ChildApi | undefined;
let tenantId: string;
const admin = { email: 'owner@example.com', password: 'a long enough password' };
const secrets = { ENCRYPTION_KEY: randomBytes(32).toString('base64'), SESSION_SECRET: randomBytes(32).toString('base64url') };

beforeAll(async () => {
  test = await createTestDatabase();
  const { tenant } = await createTenant(test.db, new SecretBox(secrets.ENCRYPTION_KEY));
  tenantId = tenant.id;
  await createUser(test.db, { tenantId, role: 'admin', ...admin });
});
afterAll(async () => {
  await api?.stop();
  await test?.drop();
});

describe('production unless told otherwise', () => {
  it('refuses to start with NODE_ENV unset and nothing configured, naming every missing variable', async () => {
    const child = runApiProcess({});
    expect(await child.exited).toBe(1);
    const message = child.stderr();
    expect(message).toMatch(/Refusing to start in production \(NODE_ENV is unset, which means production\)/);
    for (const name of ['ENCRYPTION_KEY', 'SESSION_SECRET', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'PUBLIC_BASE_URL']) {
      expect(message).toContain(`${name} is missing`);
    }
    // A message for a person, not a stack trace.
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('accepts https or loopback http as PUBLIC_BASE_URL in production, nothing else', () => {
    const base = { DATABASE_URL: 'postgres://db/x', TEMPORAL_ADDRESS: 'temporal:7233', ...secrets };
    expect(loadEnv({ ...base, PUBLIC_BASE_URL: 'https://sms.example.com' }).NODE_ENV).toBe('production');
    expect(loadEnv({ ...base, PUBLIC_BASE_URL: 'http://127.0.0.1:3000' }).PUBLIC_BASE_URL).toBe('http://127.0.0.1:3000');
    expect(() => loadEnv({ ...base, PUBLIC_BASE_URL: 'http://sms.example.com' })).toThrow(/PUBLIC_BASE_URL must be https/);
    expect(() => loadEnv({ ...base, PUBLIC_BASE_URL: 'http://sms.example.com' })).toThrow(EnvError);
    // Development still starts with nothing: generated keys, local defaults.
    expect(loadEnv({ NODE_ENV: 'development' }).TEMPORAL_ADDRESS).toBe('localhost:7233');
  });

  it('reads TRUST_PROXY as off, a hop count or an address/subnet list, and refuses anything else', () => {
    const dev = { NODE_ENV: 'development' };
    expect(loadEnv(dev).TRUST_PROXY).toBe(false);
    expect(loadEnv({ ...dev, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadEnv({ ...dev, TRUST_PROXY: '10.0.0.0/8, 172.16.0.0/12,::1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '172.16.0.0/12', '::1']);
    expect(() => loadEnv({ ...dev, TRUST_PROXY: 'proxy.internal' })).toThrow(/TRUST_PROXY: not a hop count or an address\/subnet list: proxy.internal/);
  });

  it('starts with them, signs in with a Secure cookie, sends security headers and logs the request as JSON', async () => {
    const port = String(await freePort());
    api = await startChildApi({
      ...secrets,
      PORT: port,
      DATABASE_URL: test.url,
      // Nothing listens there: the API starts without Temporal (lazy connection), and sign-in needs none.
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    });
    const login = await fetch(`${api.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-production-1' },
      body: JSON.stringify(admin),
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/intellisend_session=/);
    expect(setCookie).toMatch(/; Secure/i);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(login.headers.get('x-request-id')).toBe('req-production-1');
    expect(login.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(login.headers.get('x-content-type-options')).toBe('nosniff');
    expect(login.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);

    // The session (sent back as the browser would over https) reaches a route that knows the tenant.
    const cookie = setCookie.split(';')[0]!;
    const me = await fetch(`${api.baseUrl}/api/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    const meId = me.headers.get('x-request-id');
    expect(meId).toMatch(/^[0-9a-f-]{36}$/);

    const lines = () => api!.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const completed = (id: string | null) => lines().find((l) => l.reqId === id && l.msg === 'request completed');
    await expect.poll(() => completed(meId)).toBeDefined();
    expect(completed(meId)).toMatchObject({
      level: 'info',
      service: 'api',
      tenantId,
      method: 'GET',
      route: '/api/auth/me',
      status: 200,
      latencyMs: expect.any(Number),
    });
    expect(completed('req-production-1')).toMatchObject({ route: '/api/auth/login', status: 200 });
    // Neither the password nor the configured secrets nor the session cookie are in what it wrote.
    const written = api.stdout() + api.stderr();
    for (const secret of [admin.password, secrets.ENCRYPTION_KEY, secrets.SESSION_SECRET, cookie.split('=')[1]!]) {
      expect(written).not.toContain(secret);
    }
  });
});
