// Property-based bad input (fast-check, seeded, bounded runs).
//  1. The Twilio webhook gets random and hostile requests: huge bodies, wrong content types, broken
//     percent-encoding, invalid UTF-8, unicode and emoji, 1,600- and 1,601-character bodies, duplicate
//     and missing fields, correct and wrong signatures. Never a 5xx, the server still answers
//     /api/health, and nothing is stored (no message, no outbox row) for a MessageSid that was refused;
//     what was accepted is stored exactly as sent.
//  2. Every JSON route of the API (enumerated from the router) gets arbitrary JSON values, wrong types,
//     huge strings, prototype-pollution keys, broken JSON, arbitrary path ids and query strings as an
//     admin: always a 4xx with a message or a success, never a 5xx; no prototype gets polluted.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../api/conversations/api-test-client.ts';
import { formEncode, inboundParams, signTwilioWebhook } from '../fakes/twilio/index.ts';
import { createConversation, createMessage, createUser, twilioMessageSid, uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { expressRoutes } from './routes.ts';
import { apiResponses, keepApiResponses, logSummary, recordFigures, scale, pipelineSecrets, scanForSecrets } from './support.ts';

const size = scale.badInput;
let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
  keepApiResponses(p.baseUrl);
});
afterAll(async () => {
  await p?.close();
});

const webhookPath = '/api/twilio/inbound';

// ---------- webhook requests ----------

type Params = Record<string, string | string[]>;
interface WebhookCase {
  kind: string;
  contentType: string | null;
  body: Buffer;
  params: Params | null;
  sid: string | null;
  sign: 'correct' | 'wrong' | 'none';
}

const emoji = ['😀', '🔥', '👨‍👩‍👧‍👦', '🇺🇸', '❄️', '\u202e', '\u0000', '\ufeff', 'ß', '中文', 'Ω', '\ud83d'];
const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.constantFrom(...emoji), { maxLength: 100 }).map((a) => a.join('')),
  fc.constantFrom("'; DROP TABLE messages; --", '<script>alert(1)</script>', '%00%ff', '{{7*7}}', '${process.env}', 'STOP', 'HELP', ''),
  fc.integer({ min: 1590, max: 1610 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 795, max: 805 }).map((n) => '🔥'.repeat(n)),
);

function validParams(sid: string, body: string): Record<string, string> {
  return inboundParams({ to: p.ourNumber, from: uniquePhone(), body, accountSid: p.tenant.accountSid, messageSid: sid });
}

const mutation = fc.oneof(
  fc.constant({ op: 'none' as const }),
  fc.record({ op: fc.constant('drop' as const), field: fc.constantFrom('To', 'From', 'MessageSid', 'AccountSid', 'Body') }),
  fc.record({ op: fc.constant('duplicate' as const), field: fc.constantFrom('To', 'From', 'MessageSid', 'Body', 'NumMedia') }),
  fc.record({ op: fc.constant('set' as const), field: fc.constantFrom('To', 'From', 'MessageSid', 'AccountSid', 'NumMedia', 'MediaUrl0', '__proto__', 'constructor'), value: hostileText }),
  fc.record({ op: fc.constant('extra' as const), count: fc.integer({ min: 90, max: 150 }) }),
);

const formCase: fc.Arbitrary<WebhookCase> = fc
  .record({
    body: hostileText,
    mutation,
    sign: fc.constantFrom('correct', 'correct', 'wrong', 'none') as fc.Arbitrary<WebhookCase['sign']>,
    contentType: fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      'application/x-www-form-urlencoded; charset=latin1',
      'application/x-www-form-urlencoded; charset=utf-16',
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=xyz',
      'APPLICATION/X-WWW-FORM-URLENCODED',
    ),
    formWeight: fc.boolean(),
  })
  .map(({ body, mutation: m, sign, contentType, formWeight }) => {
    const sid = twilioMessageSid();
    const params: Params = validParams(sid, body);
    if (m.op === 'drop') delete params[m.field];
    else if (m.op === 'duplicate') params[m.field] = [String(params[m.field] ?? 'x'), `${String(params[m.field] ?? 'x')}2`];
    else if (m.op === 'set') params[m.field] = m.value;
    else if (m.op === 'extra') for (let i = 0; i < m.count; i++) params[`Extra${i}`] = String(i);
    return {
      kind: `form:${m.op}`,
      contentType: formWeight ? 'application/x-www-form-urlencoded; charset=utf-8' : contentType,
      body: Buffer.from(formEncode(params), 'utf8'),
      params,
      sid,
      sign,
    };
  });

const rawCase: fc.Arbitrary<WebhookCase> = fc
  .record({
    variant: fc.constantFrom('brokenPercent', 'invalidUtf8', 'huge', 'randomBytes', 'json', 'empty', 'nulBytes'),
    bytes: fc.uint8Array({ maxLength: 512 }),
    sign: fc.constantFrom('correct', 'wrong', 'none') as fc.Arbitrary<WebhookCase['sign']>,
    contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', null, 'application/octet-stream'),
  })
  .map(({ variant, bytes, sign, contentType }) => {
    const sid = twilioMessageSid();
    const base = formEncode(validParams(sid, 'My AC is broken'));
    const body =
      variant === 'brokenPercent' ? Buffer.from(`${base}&Body=%E0%A4%A&X=%ZZ%&Y=%`, 'utf8')
      : variant === 'invalidUtf8' ? Buffer.concat([Buffer.from(`${base.replace(/&Body=[^&]*/, '')}&Body=`), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1])])
      : variant === 'huge' ? Buffer.from(`${base}&Body=${'A'.repeat(70 * 1024)}`)
      : variant === 'json' ? Buffer.from(JSON.stringify(validParams(sid, 'json body')))
      : variant === 'empty' ? Buffer.alloc(0)
      : variant === 'nulBytes' ? Buffer.from(`${base}&Body=a%00b%00`)
      : Buffer.from(bytes);
    return { kind: `raw:${variant}`, contentType, body, params: null, sid, sign };
  });

async function postWebhook(c: WebhookCase): Promise<number> {
  const url = `${p.env.PUBLIC_BASE_URL}${webhookPath}`;
  const headers: Record<string, string> = {};
  if (c.contentType) headers['content-type'] = c.contentType;
  if (c.sign === 'correct') headers['x-twilio-signature'] = c.params ? signTwilioWebhook(p.tenant.authToken, url, c.params) : signTwilioWebhook(p.tenant.authToken, url, {});
  if (c.sign === 'wrong') headers['x-twilio-signature'] = randomBytes(20).toString('base64');
  const res = await fetch(p.baseUrl + webhookPath, { method: 'POST', headers, body: new Uint8Array(c.body) });
  await res.text();
  return res.status;
}

describe('hostile webhook bodies', () => {
  it('never answer 5xx, never crash, store nothing that was refused', { timeout: 600_000 }, async () => {
    const { models } = p.test.db;
    const refused: string[] = [];
    const accepted = new Map<string, string>();
    const statuses: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.oneof({ arbitrary: formCase, weight: 3 }, { arbitrary: rawCase, weight: 1 }), async (c) => {
        const status = await postWebhook(c);
        statuses[`${c.kind} ${status}`] = (statuses[`${c.kind} ${status}`] ?? 0) + 1;
        expect(status, c.kind).toBeLessThan(500);
        if (!c.sid) return;
        if (status === 200) {
          // Only a correctly signed, well-formed message from the tenant's own account gets in.
          expect(c.sign).toBe('correct');
          const body = c.params?.Body;
          // A lone surrogate cannot travel as UTF-8: it arrives (and was signed) as U+FFFD. U+0000 is
          // dropped (PostgreSQL text cannot hold it).
          if (typeof body === 'string' && c.params?.MessageSid === c.sid) accepted.set(c.sid, Buffer.from(body, 'utf8').toString('utf8').replaceAll('\u0000', ''));
        } else refused.push(c.sid);
      }),
      { seed: size.seed, numRuns: size.webhookRuns, endOnFailure: true },
    );

    const health = await fetch(`${p.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    // What was accepted is stored exactly as sent; then nothing of what was refused is anywhere.
    await waitFor(async () => (await models.Message.count({ where: { twilioSid: [...accepted.keys()] } })) === accepted.size, {
      timeoutMs: 60_000,
      what: 'the accepted webhooks to be stored',
    });
    const stored = await models.Message.findAll({ where: { twilioSid: [...accepted.keys()] } });
    for (const m of stored) expect(m.body, m.twilioSid ?? '').toBe(accepted.get(m.twilioSid!));
    expect(await models.Message.count({ where: { twilioSid: refused } })).toBe(0);
    expect(refused.length).toBeGreaterThan(size.webhookRuns / 3);
    expect(accepted.size).toBeGreaterThan(0);
    recordFigures('bad-input-webhook', { runs: size.webhookRuns, seed: size.seed, accepted: accepted.size, refused: refused.length, statuses, apiLog: logSummary() });
  });
});

// ---------- JSON routes ----------

const hugeString = fc.integer({ min: 9_000, max: 40_000 }).map((n) => 'é'.repeat(n));
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hugeString,
  fc.constantFrom(null, true, 0, -1, 1e308, '', ' ', 'admin', 'csr', 'engaged', 'opt_out', [], {}),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
);
const pollutionKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const bodyText: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.dictionary(fc.constantFrom('body', 'category', 'needsAttention', 'email', 'password', 'role', 'accountSid', 'authToken', 'helpReply', 'enabled', 'clientSecret', 'tenantApiBaseUrl'), weirdValue).map((v) => JSON.stringify(v)),
  fc.tuple(fc.constantFrom(...pollutionKeys), weirdValue, fc.jsonValue({ maxDepth: 2 })).map(
    ([key, value, rest]) => `{"${key}":{"polluted":${JSON.stringify(value) ?? 'null'},"role":"admin"},"constructor":{"prototype":{"polluted":true}},"rest":${JSON.stringify(rest) ?? 'null'}}`,
  ),
  fc.constantFrom('{', '{"a":', '[1,2', 'nul', '"unterminated', '{"body":"x"}}', '\u0000', '{"a":1,"a":2}', '{"body":"\\ud800"}'),
  hugeString.map((s) => JSON.stringify({ body: s, email: s, password: s })),
);
const pathSegment = fc.oneof(
  fc.uuid().map(String),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom('..', '%2e%2e', '%', '%ZZ', 'null', 'undefined', '__proto__', 'constructor', "1' OR '1'='1", 'x'.repeat(5000)),
);
const queryString = fc.array(
  fc.tuple(fc.constantFrom('tab', 'search', 'limit', 'cursor', '__proto__', 'tab[]', 'limit[a]'), fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('0', '101', '-1', '1e3', '30', 'all', 'engaged', '%', '%ZZ', 'x'.repeat(3000)))),
  { maxLength: 5 },
);

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? 'missing');
}

describe('arbitrary JSON to every API route', () => {
  it('answers 4xx with a message (or succeeds), never 5xx, and pollutes no prototype', { timeout: 600_000 }, async () => {
    const db = p.test.db;
    const admin = await createUser(db, { tenantId: p.tenant.id, role: 'admin' });
    const other = await createUser(db, { tenantId: p.tenant.id, role: 'csr' });
    const conversation = await createConversation(db, { tenantId: p.tenant.id });
    await createMessage(db, { conversationId: conversation.id });
    const client = new ApiClient(p.baseUrl);
    await client.login(admin.user.email, admin.password);
    const anonymous = new ApiClient(p.baseUrl);

    const skipped = new Set(['POST /api/twilio/inbound', 'POST /api/twilio/status', 'GET /api/events']);
    const routes = expressRoutes(p.app.app).filter((r) => !skipped.has(`${r.method} ${r.path}`));
    expect(routes.length).toBeGreaterThanOrEqual(15);
    const real = { tenantId: p.tenant.id, id: conversation.id };
    const statuses: Record<string, number> = {};
    const check = (route: string, res: { status: number; body: unknown }) => {
      const key = `${route} ${res.status}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
      expect(res.status, `${route}: ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(500);
      if (res.status >= 400) {
        expect(typeof (res.body as { error?: unknown } | null)?.error, `${route} ${res.status} without a message`).toBe('string');
      }
    };

    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      const who = route.path.startsWith('/api/auth/log') ? anonymous : client;
      const userRoute = route.path.includes('/users/:id');
      await fc.assert(
        fc.asyncProperty(
          fc.record({ realIds: fc.boolean(), segments: fc.dictionary(fc.constantFrom('tenantId', 'id'), pathSegment), body: bodyText, query: queryString, noType: fc.boolean() }),
          async ({ realIds, segments, body, query, noType }) => {
            const ids = realIds ? { ...real, ...(userRoute ? { id: other.user.id } : {}) } : { ...real, ...segments };
            const path = fill(route.path, Object.fromEntries(Object.entries(ids).map(([k, v]) => [k, encodeURIComponent(v)])));
            const qs = query.length > 0 ? `?${query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : '';
            const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
            const res = await who.request(route.method, path + qs, hasBody ? body : undefined, hasBody && noType ? { 'content-type': 'text/plain' } : {});
            check(name, res);
            // The admin's session must survive whatever we send (a DELETE of the CSR is fine).
            if (who === client) expect(client.cookie).not.toBeNull();
          },
        ),
        { seed: size.seed, numRuns: size.jsonRuns, endOnFailure: true },
      );
    }
    // The server's own objects: nothing got a `polluted` property through a JSON body.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).role).toBeUndefined();
    expect((await fetch(`${p.baseUrl}/api/health`)).status).toBe(200);
    expect((await client.get('/api/auth/me')).status).toBe(200);

    const scan = scanForSecrets({
      ...pipelineSecrets(p),
      adminPassword: admin.password,
    });
    recordFigures('bad-input-json', {
      routes: routes.map((r) => `${r.method} ${r.path}`),
      runsPerRoute: size.jsonRuns,
      requests: Object.values(statuses).reduce((a, b) => a + b, 0),
      statuses,
      apiLog: logSummary(),
      secretScan: scan,
      apiResponsesKept: apiResponses.length,
    });
  });
});
