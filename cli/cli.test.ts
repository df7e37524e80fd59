// Runs the real CLI as a child process (Node 24 from node_modules/.bin), as an operator would.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../config/env.ts';
import { createDatabase, type Database } from '../db/connection.ts';
import { verifyPassword } from '../secrets/password.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { createEmptyTestDatabase, type EmptyTestDatabase } from '../test/support/database.ts';

const node = join(projectRoot, 'node_modules', '.bin', 'node');
const encryptionKey = randomBytes(32).toString('base64');
const box = new SecretBox(encryptionKey);

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

let empty: EmptyTestDatabase;
let db: Database;

function runCli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [join(projectRoot, 'cli', 'main.ts'), ...args], {
      cwd: projectRoot,
      // Only what the CLI needs: no inherited DATABASE_URL, and keys given so nothing is written to .data/.
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: empty.url,
        ENCRYPTION_KEY: encryptionKey,
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        LOG_LEVEL: 'silent',
        ...extraEnv,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = (code === 0 ? stdout : stderr).trim();
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = { unparsable: text };
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

async function expectError(args: string[], pattern: RegExp): Promise<void> {
  const result = await runCli(args);
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.json.error).toMatch(pattern);
}

const strongPassword = 'tulip-radar-42';
const uniqueEmail = (who: string) => `${who}-${randomBytes(3).toString('hex')}@acme-hvac.test`;

beforeAll(async () => {
  // Empty on purpose: tenant:create must migrate it.
  empty = await createEmptyTestDatabase();
  db = createDatabase(empty.url, { poolMax: 2 });
});
afterAll(async () => {
  await db?.sequelize.close();
  await empty?.drop();
});

describe('operator CLI', () => {
  let tenantId: string;
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const ourNumber = '+15559870001';

  it('tenant:create migrates a new database and creates the tenant and its admin', async () => {
    const email = uniqueEmail('owner');
    const result = await runCli([
      'tenant:create',
      '--name', 'Acme HVAC',
      '--admin-email', email.toUpperCase(),
      '--admin-password', strongPassword,
      '--twilio-account-sid', accountSid,
      '--twilio-auth-token', authToken,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(result.json).sort()).toEqual(['adminUserId', 'tenantId']);
    tenantId = String(result.json.tenantId);

    const tenant = await db.models.Tenant.findByPk(tenantId, { rejectOnEmpty: true });
    expect(tenant).toMatchObject({ name: 'Acme HVAC', twilioAccountSid: accountSid });
    const admin = await db.models.User.findByPk(String(result.json.adminUserId), { rejectOnEmpty: true });
    expect(admin).toMatchObject({ tenantId, email, role: 'admin' });
    expect(await verifyPassword(strongPassword, admin.passwordHash)).toBe(true);
  });

  it('stores the Twilio auth token as ciphertext only', async () => {
    const [row] = await db.sequelize.query<{ twilio_auth_token: string }>(
      'SELECT twilio_auth_token FROM tenants WHERE id = :id',
      { replacements: { id: tenantId }, type: QueryTypes.SELECT },
    );
    expect(row!.twilio_auth_token).not.toContain(authToken);
    expect(SecretBox.isSealed(row!.twilio_auth_token)).toBe(true);
    expect(box.open(row!.twilio_auth_token)).toBe(authToken);
  });

  it('number:add and user:add complete the round trip', async () => {
    const number = await runCli(['number:add', '--tenant', tenantId, '--phone', ourNumber, '--label', 'Main line']);
    expect(number.code, number.stderr).toBe(0);
    const phone = await db.models.PhoneNumber.findByPk(String(number.json.phoneNumberId), { rejectOnEmpty: true });
    expect(phone).toMatchObject({ tenantId, phone: ourNumber, label: 'Main line' });

    const email = uniqueEmail('csr');
    const user = await runCli(['user:add', '--tenant', tenantId, '--email', email, '--password', strongPassword, '--role', 'csr']);
    expect(user.code, user.stderr).toBe(0);
    const row = await db.models.User.findByPk(String(user.json.userId), { rejectOnEmpty: true });
    expect(row).toMatchObject({ tenantId, email, role: 'csr' });
  });

  it('migrate reports nothing left to apply', async () => {
    const result = await runCli(['migrate']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toEqual({ applied: [] });
  });

  it('refuses bad input with one clear JSON error and exit code 1', async () => {
    // Independent cases, run side by side to keep the suite quick.
    await Promise.all([
      expectError(['number:add', '--tenant', tenantId, '--phone', '555-987-0002'], /--phone must be E\.164/),
      expectError(['number:add', '--tenant', tenantId, '--phone', ourNumber], /already added/),
      expectError(['number:add', '--tenant', '00000000-0000-4000-8000-000000000000', '--phone', '+15559870003'], /unknown tenant/),
      expectError(['number:add', '--tenant', 'acme', '--phone', '+15559870003'], /--tenant must be a tenant id/),
      expectError(['user:add', '--tenant', tenantId, '--email', uniqueEmail('a'), '--password', 'short', '--role', 'csr'], /--password is too weak/),
      expectError(['user:add', '--tenant', tenantId, '--email', uniqueEmail('a'), '--password', '', '--role', 'csr'], /--password is too weak: password must not be empty/),
      expectError(['user:add', '--tenant', tenantId, '--email', uniqueEmail('a'), '--password', strongPassword, '--role', 'owner'], /--role must be admin or csr/),
      expectError(['user:add', '--tenant', tenantId, '--email', 'not-an-email', '--password', strongPassword, '--role', 'csr'], /--email must be an email address/),
      expectError(['user:add', '--tenant', tenantId, '--password', strongPassword, '--role', 'csr'], /--email is required/),
      expectError(['tenant:create', '--name', 'X', '--admin-email', uniqueEmail('x'), '--admin-password', strongPassword, '--twilio-account-sid', accountSid], /both --twilio-account-sid and --twilio-auth-token/),
      expectError(['tenant:create', '--name', 'X', '--admin-email', uniqueEmail('x'), '--admin-password', strongPassword, '--twilio-account-sid', 'AC123', '--twilio-auth-token', 't0ken-123'], /Account SID/),
      expectError(['number:add', '--tenant', tenantId, '--phone', '+15559870004', '--colour', 'blue'], /Unknown option '--colour'/),
      expectError(['tenant:delete'], /unknown command "tenant:delete"/),
    ]);
  });

  it('refuses a second user with the same email, whatever its case', async () => {
    const email = uniqueEmail('dup');
    const first = await runCli(['user:add', '--tenant', tenantId, '--email', email, '--password', strongPassword, '--role', 'admin']);
    expect(first.code, first.stderr).toBe(0);
    await expectError(['user:add', '--tenant', tenantId, '--email', email.toUpperCase(), '--password', strongPassword, '--role', 'csr'], /already exists/);
  });

  it('simulate:inbound posts a correctly signed Twilio webhook to PUBLIC_BASE_URL', async () => {
    const received: { url: string; signature: string; params: Record<string, string>; contentType: string }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({
          url: req.url ?? '',
          signature: String(req.headers['x-twilio-signature'] ?? ''),
          contentType: String(req.headers['content-type'] ?? ''),
          params: Object.fromEntries(new URLSearchParams(body)),
        });
        res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const publicBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const result = await runCli(
        ['simulate:inbound', '--to', ourNumber, '--from', '+15551230042', '--body', 'My furnace is making a loud noise & smells, can you help?'],
        { PUBLIC_BASE_URL: publicBaseUrl },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.json.status).toBe(200);
      expect(result.json.messageSid).toMatch(/^SM[0-9a-f]{32}$/);

      expect(received).toHaveLength(1);
      const [request] = received as [(typeof received)[number]];
      expect(request.url).toBe('/api/twilio/inbound');
      expect(request.contentType).toBe('application/x-www-form-urlencoded');
      expect(request.params).toMatchObject({
        MessageSid: result.json.messageSid,
        SmsSid: result.json.messageSid,
        SmsMessageSid: result.json.messageSid,
        AccountSid: accountSid,
        From: '+15551230042',
        To: ourNumber,
        Body: 'My furnace is making a loud noise & smells, can you help?',
        NumMedia: '0',
        NumSegments: '1',
        ApiVersion: '2010-04-01',
      });
      expect(request.params).not.toHaveProperty('MessagingServiceSid');
      const url = `${publicBaseUrl}/api/twilio/inbound`;
      expect(twilio.validateRequest(authToken, request.signature, url, request.params)).toBe(true);
      expect(twilio.validateRequest('wrong-token-0000', request.signature, url, request.params)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('simulate:inbound prints the status the app answered, and explains unknown numbers and unreachable apps', async () => {
    const server = createServer((_req, res) => res.writeHead(403).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const forbidden = await runCli(['simulate:inbound', '--to', ourNumber, '--from', '+15551230042', '--body', 'hi'], {
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      });
      expect(forbidden.code, forbidden.stderr).toBe(0);
      expect(forbidden.json.status).toBe(403);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expectError(['simulate:inbound', '--to', '+15550000000', '--from', '+15551230042', '--body', 'hi'], /no tenant has the number/);
    const unreachable = await runCli(['simulate:inbound', '--to', ourNumber, '--from', '+15551230042', '--body', 'hi'], {
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.json.error).toMatch(/could not reach http:\/\/127\.0\.0\.1:\d+\/api\/twilio\/inbound/);
  });
});
