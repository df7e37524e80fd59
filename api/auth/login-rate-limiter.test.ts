// The sign-in limiter lives in PostgreSQL: two real API processes on one database share one count, and
// behind a trusted proxy each client is its own bucket.
import { randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../secrets/secret-box.ts';
import { startChildApi, type ChildApi } from '../../test/support/child-api.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createTenant, createUser } from '../../test/support/factories.ts';

let test: TestDatabase;
let apis: ChildApi[] = [];
const user = { email: 'dispatch@example.com', password: 'the right password' };
/** The limiter's per-email allowance (api/auth/login-rate-limiter.ts). */
const maxFailuresPerEmail = 10;

beforeAll(async () => {
  test = await createTestDatabase();
  const secrets = { ENCRYPTION_KEY: randomBytes(32).toString('base64'), SESSION_SECRET: randomBytes(32).toString('base64url') };
  const { tenant } = await createTenant(test.db, new SecretBox(secrets.ENCRYPTION_KEY));
  await createUser(test.db, { tenantId: tenant.id, role: 'csr', ...user });
  const vars = {
    ...secrets,
    DATABASE_URL: test.url,
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    PUBLIC_BASE_URL: 'http://127.0.0.1',
    // One proxy in front (as in docker-compose behind a TLS proxy): its X-Forwarded-For names the client.
    TRUST_PROXY: '1',
  };
  apis = await Promise.all([startChildApi(vars), startChildApi(vars)]);
});
afterAll(async () => {
  await Promise.all(apis.map((a) => a.stop()));
  await test?.drop();
});

function login(api: ChildApi, password: string, clientIp: string) {
  return fetch(`${api.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': clientIp },
    body: JSON.stringify({ email: user.email, password }),
  });
}

describe('login rate limit across API processes', () => {
  it('trips at the configured count of failures made alternately on two processes', async () => {
    const [a, b] = apis as [ChildApi, ChildApi];
    const clients = ['203.0.113.7', '198.51.100.9'];
    for (let i = 0; i < maxFailuresPerEmail; i++) {
      const res = await login(i % 2 === 0 ? a : b, `wrong-${i}`, clients[i % 2]!);
      expect(res.status, `failure ${i + 1}`).toBe(401);
    }
    // Each process saw only half of the failures; together they reach the limit, even for the right password.
    for (const api of [a, b]) {
      const blocked = await login(api, user.password, clients[0]!);
      expect(blocked.status).toBe(429);
      expect(((await blocked.json()) as { error: string }).error).toMatch(/^Too many sign-in attempts\. Try again in 15 minutes\.$/);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
    }
  });

  it('counts each client behind the trusted proxy in its own per-IP bucket', async () => {
    const rows = await test.db.sequelize.query<{ key: string; points: number }>(
      "SELECT key, points FROM rate_limits WHERE key LIKE 'login-ip:%' ORDER BY key",
      { type: QueryTypes.SELECT },
    );
    expect(rows).toEqual([
      { key: 'login-ip:198.51.100.9', points: maxFailuresPerEmail / 2 },
      { key: 'login-ip:203.0.113.7', points: maxFailuresPerEmail / 2 },
    ]);
  });
});
