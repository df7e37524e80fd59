// Test connection's throttle counts in PostgreSQL: two API processes (two connection pools here)
// share one tenant's allowance, and each tenant has its own.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../db/connection.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { TestConnectionLimiter } from './test-connection-limiter.ts';

let test: TestDatabase;
let otherProcess: Database;

beforeAll(async () => {
  test = await createTestDatabase();
  otherProcess = createDatabase(test.url, { poolMax: 2 });
});
afterAll(async () => {
  await otherProcess?.sequelize.close();
  await test?.drop();
});

it('shares one allowance per tenant between processes', async () => {
  const first = new TestConnectionLimiter(test.db, { points: 3, durationSeconds: 60 });
  const second = new TestConnectionLimiter(otherProcess, { points: 3, durationSeconds: 60 });
  const tenant = randomUUID();
  expect(await first.take(tenant)).toEqual({ allowed: true });
  expect(await second.take(tenant)).toEqual({ allowed: true });
  expect(await first.take(tenant)).toEqual({ allowed: true });
  const refused = await second.take(tenant);
  expect(refused).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
  if (!refused.allowed) expect(refused.retryAfterSeconds).toBeGreaterThan(50);
  expect(await first.take(randomUUID())).toEqual({ allowed: true });
});
