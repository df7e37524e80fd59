import cookieParser from 'cookie-parser';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createTenant, createUser } from '../../test/support/factories.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { createLogger } from '../../logging/logger.ts';
import { errorHandler } from '../middleware/error-handler.ts';
import { requireRole, requireUser } from '../auth/middleware.ts';
import { hashSessionToken } from '../auth/sessions.ts';
import { ApiClient, listen, startApi, type RunningApi } from '../conversations/api-test-client.ts';

// Nothing listens on port 1: these tests never need Temporal.
const noTemporal = '127.0.0.1:1';

let test: TestDatabase;
let api: RunningApi;
let tenantId: string;
const admin = { email: 'Admin@Example.com', password: 'correct horse battery' };
const csr = { email: 'csr@example.com', password: 'another long secret' };

beforeAll(async () => {
  test = await createTestDatabase();
  const box = new SecretBox(Buffer.alloc(32, 7).toString('base64'));
  const { tenant } = await createTenant(test.db, box);
  tenantId = tenant.id;
  await createUser(test.db, { tenantId, role: 'admin', ...admin });
  await createUser(test.db, { tenantId, role: 'csr', ...csr });
  api = await startApi(test.db, { temporalAddress: noTemporal, box });
});

afterAll(async () => {
  await api?.close();
  await test?.drop();
});

describe('POST /api/auth/login', () => {
  it('signs in with an HttpOnly SameSite=Lax cookie and stores only the token hash', async () => {
    const client = new ApiClient(api.baseUrl);
    const res = await client.post<{ user: Record<string, string> }>('/api/auth/login', { email: ' admin@EXAMPLE.com ', password: admin.password });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ id: expect.any(String), email: 'admin@example.com', role: 'admin', tenantId });
    const setCookie = res.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/intellisend_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i); // NODE_ENV=test over http

    // s:<token>.<signature> (cookie-parser signed cookie); the table holds sha256(token) only.
    const token = decodeURIComponent(client.cookie!.split('=')[1]!).replace(/^s:/, '').replace(/\.[^.]+$/, '');
    const sessions = await test.db.models.Session.findAll({ where: { userId: res.body.user.id } });
    expect(sessions.map((s) => s.tokenHash)).toContain(hashSessionToken(token));
    expect(JSON.stringify(sessions.map((s) => s.get()))).not.toContain(token);
    const expiresInDays = (sessions[0]!.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(expiresInDays).toBeGreaterThan(13.9);

    const me = await client.get<{ user: { email: string }; tenant: { id: string } }>('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('admin@example.com');
    expect(me.body.tenant.id).toBe(tenantId);
  });

  it('answers 401 with the same message for a wrong password and an unknown email', async () => {
    const client = new ApiClient(api.baseUrl);
    const wrong = await client.post<{ error: string }>('/api/auth/login', { email: 'csr@example.com', password: 'not the password' });
    const unknown = await client.post<{ error: string }>('/api/auth/login', { email: 'nobody@example.com', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toBe(unknown.body.error);
    expect(client.cookie).toBeNull();
  });

  it('answers 400 for a missing password and 415 for a form post', async () => {
    const client = new ApiClient(api.baseUrl);
    expect((await client.post('/api/auth/login', { email: 'csr@example.com' })).status).toBe(400);
    const form = await client.request('POST', '/api/auth/login', `email=csr%40example.com&password=x`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    const text = await client.request('POST', '/api/auth/login', JSON.stringify(csr), { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
  });

  it('refuses a mutating request from another origin', async () => {
    const client = new ApiClient(api.baseUrl);
    const res = await client.request('POST', '/api/auth/login', csr, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    const ours = await client.request('POST', '/api/auth/login', csr, { origin: 'https://intellisend.test' });
    expect(ours.status).toBe(200);
  });

  it('rate-limits failed attempts per email with 429, even for the right password', async () => {
    const client = new ApiClient(api.baseUrl);
    const email = 'ratelimited@example.com';
    const password = 'the real password';
    await createUser(test.db, { tenantId, role: 'csr', email, password });
    for (let i = 0; i < 10; i++) {
      expect((await client.post('/api/auth/login', { email, password: `wrong-${i}` })).status).toBe(401);
    }
    const blocked = await client.post<{ error: string }>('/api/auth/login', { email, password });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatch(/Too many sign-in attempts\. Try again in 15 minutes\./);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
    // Another account from the same IP is not locked out by it.
    expect((await client.post('/api/auth/login', csr)).status).toBe(200);
  });
});

describe('sessions', () => {
  it('logout deletes the session: the old cookie no longer works', async () => {
    const client = new ApiClient(api.baseUrl);
    await client.login(csr.email, csr.password);
    const cookie = client.cookie;
    expect((await client.get('/api/auth/me')).status).toBe(200);
    expect((await client.post('/api/auth/logout')).status).toBe(200);
    expect(client.cookie).toBeNull();
    client.cookie = cookie;
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('rejects an unsigned or tampered cookie, and an expired session', async () => {
    const client = new ApiClient(api.baseUrl);
    await client.login(csr.email, csr.password);
    const good = client.cookie!;
    client.cookie = good.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await client.get('/api/auth/me')).status).toBe(401);
    client.cookie = good;
    await test.db.sequelize.query(`UPDATE sessions SET expires_at = now() - interval '1 second'`);
    expect((await client.get('/api/auth/me')).status).toBe(401);
    expect((await client.get('/api/conversations')).status).toBe(401);
  });
});

describe('requireRole', () => {
  it('lets an admin through and answers 403 to a csr', async () => {
    const probe = express();
    probe.use(cookieParser(api.env.SESSION_SECRET));
    probe.get('/admin-only', requireUser(test.db, { secure: false }), requireRole('admin'), (_req, res) => {
      res.json({ ok: true });
    });
    probe.use(errorHandler(createLogger('silent')));
    const server = await listen({ app: probe });
    try {
      const asCsr = new ApiClient(api.baseUrl);
      await asCsr.login(csr.email, csr.password);
      const asAdmin = new ApiClient(api.baseUrl);
      await asAdmin.login(admin.email, admin.password);
      const anonymous = new ApiClient(server.baseUrl);
      expect((await anonymous.get('/admin-only')).status).toBe(401);
      const csrOnProbe = Object.assign(new ApiClient(server.baseUrl), { cookie: asCsr.cookie });
      expect((await csrOnProbe.get('/admin-only')).status).toBe(403);
      const adminOnProbe = Object.assign(new ApiClient(server.baseUrl), { cookie: asAdmin.cookie });
      expect((await adminOnProbe.get('/admin-only')).status).toBe(200);
    } finally {
      server.server.closeAllConnections();
      await new Promise<void>((resolve) => server.server.close(() => resolve()));
    }
  });
});
