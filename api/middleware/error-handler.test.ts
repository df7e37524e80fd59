// A database that cannot be reached is an outage, not a bug: the client gets 503 with Retry-After.
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../db/connection.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createLogger } from '../../logging/logger.ts';
import { NotFoundError } from '../errors.ts';
import { errorHandler } from './error-handler.ts';

let server: Server;
let baseUrl: string;
let deadDb: Database;
let live: TestDatabase;

beforeAll(async () => {
  // Nothing listens on port 9: every query fails to connect, as during a PostgreSQL restart.
  deadDb = createDatabase('postgres://postgres@127.0.0.1:9/intellisend', { poolMax: 1 });
  const app = express();
  app.get('/needs-db', async () => {
    await deadDb.models.Tenant.count();
  });
  // A query the server cuts off as it shuts down (SQLSTATE 57P01, what a restart does to open connections).
  live = await createTestDatabase();
  app.get('/cut-off', async () => {
    await live.db.sequelize.query('SELECT pg_terminate_backend(pg_backend_pid())');
  });
  app.get('/missing', () => {
    throw new NotFoundError('No such thing.');
  });
  app.use(errorHandler(createLogger('error')));
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await deadDb?.sequelize.close();
  await live?.drop();
});

describe('errorHandler', () => {
  it('answers 503 with Retry-After when PostgreSQL cannot be reached', async () => {
    const res = await fetch(`${baseUrl}/needs-db`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'unavailable', error: expect.stringMatching(/database is unavailable/) });
  });

  it('answers 503 when PostgreSQL terminates the query as it shuts down (a restart), not 500', async () => {
    const res = await fetch(`${baseUrl}/cut-off`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'unavailable' });
  });

  it('keeps typed errors as they are', async () => {
    const res = await fetch(`${baseUrl}/missing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'No such thing.', code: 'not_found' });
  });
});
