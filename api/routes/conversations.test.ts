import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, Conversation } from '../../db/models/index.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createContact, createConversation, createMessage, createPhoneNumber, createTenant, createUser } from '../../test/support/factories.ts';
import { ApiClient, startApi, type RunningApi } from '../conversations/api-test-client.ts';
import type { ConversationPage } from '../conversations/find-conversations.ts';
import type { ConversationWithMessages } from '../conversations/get-conversation.ts';

const noTemporal = '127.0.0.1:1';
const box = new SecretBox(Buffer.alloc(32, 9).toString('base64'));
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

let test: TestDatabase;
let api: RunningApi;
let a: ApiClient;
let b: ApiClient;
let tenantA: string;
const named: Record<string, Conversation> = {};

let phoneSeq = 0;
/** Numbers that cannot contain 0142 or 555 by accident. */
const safePhone = () => `+1617${String(3_000_000 + ++phoneSeq * 7).padStart(7, '0')}`;

async function conversation(
  tenantId: string,
  phoneNumberId: string,
  name: string,
  attrs: { first: string; last: string; phone?: string; category?: Conversation['category']; needsAttention?: boolean; lastMessageAt: Date | null; createdAt: Date; messages?: string[]; optedOut?: boolean },
): Promise<Conversation> {
  const contact: Contact = await createContact(test.db, {
    tenantId,
    firstName: attrs.first,
    lastName: attrs.last,
    phone: attrs.phone ?? safePhone(),
    optedOut: attrs.optedOut ?? false,
  });
  const c = await createConversation(test.db, {
    tenantId,
    contactId: contact.id,
    phoneNumberId,
    category: attrs.category ?? 'engaged',
    needsAttention: attrs.needsAttention ?? false,
    createdAt: attrs.createdAt,
  });
  const bodies = attrs.messages ?? (attrs.lastMessageAt ? ['Checking in about my appointment'] : []);
  for (const [i, body] of bodies.entries()) {
    const at = new Date((attrs.lastMessageAt ?? attrs.createdAt).getTime() - (bodies.length - 1 - i) * 60_000);
    await createMessage(test.db, { conversationId: c.id, body, createdAt: at, direction: i % 2 === 0 ? 'inbound' : 'outbound' });
  }
  await c.update({ lastMessageAt: attrs.lastMessageAt });
  named[name] = c;
  return c;
}

beforeAll(async () => {
  test = await createTestDatabase();
  const { tenant } = await createTenant(test.db, box);
  tenantA = tenant.id;
  const { tenant: other } = await createTenant(test.db, box);
  const numberA = await createPhoneNumber(test.db, { tenantId: tenantA });
  const numberB = await createPhoneNumber(test.db, { tenantId: other.id });
  const userA = await createUser(test.db, { tenantId: tenantA, role: 'csr' });
  const userB = await createUser(test.db, { tenantId: other.id, role: 'admin' });

  const sameTime = minutesAgo(120);
  const sameCreated = minutesAgo(3000);
  await conversation(tenantA, numberA.id, 'urgentNewer', { first: 'Maria', last: 'Garcia', phone: '+15555550142', needsAttention: true, lastMessageAt: minutesAgo(60), createdAt: minutesAgo(5000), messages: ['No heat since last night', 'We can come at 2pm', 'Thanks!'] });
  await conversation(tenantA, numberA.id, 'urgentOlder', { first: 'James', last: 'Okafor', needsAttention: true, lastMessageAt: minutesAgo(180), createdAt: minutesAgo(200) });
  await conversation(tenantA, numberA.id, 'recent', { first: 'Aisha', last: 'Patel', lastMessageAt: minutesAgo(10), createdAt: minutesAgo(4000), messages: ['My WATER heater is leaking all over the garage', 'Sorry to hear that, booking you now', 'ok great', 'see you then'] });
  await conversation(tenantA, numberA.id, 'tieNewerCreated', { first: 'Chen', last: 'Wang', lastMessageAt: sameTime, createdAt: minutesAgo(1000) });
  await conversation(tenantA, numberA.id, 'tieOlderCreated', { first: 'Olivia', last: 'Rossi', lastMessageAt: sameTime, createdAt: minutesAgo(2000) });
  const tie1 = await conversation(tenantA, numberA.id, 'fullTie1', { first: 'Diego', last: 'Nguyen', lastMessageAt: minutesAgo(130), createdAt: sameCreated });
  const tie2 = await conversation(tenantA, numberA.id, 'fullTie2', { first: 'Priya', last: 'Smith', lastMessageAt: minutesAgo(130), createdAt: sameCreated });
  // Identical sort keys but the id: the exact same timestamps.
  await test.db.sequelize.query('UPDATE conversations SET last_message_at = :lma, created_at = :ca WHERE id IN (:ids)', {
    replacements: { lma: minutesAgo(130), ca: sameCreated, ids: [tie1.id, tie2.id] },
  });
  await conversation(tenantA, numberA.id, 'noMessages', { first: 'Noah', last: 'Johnson', lastMessageAt: null, createdAt: minutesAgo(1) });
  await conversation(tenantA, numberA.id, 'optOut', { first: 'Garcia', last: 'Lopez', category: 'opt_out', lastMessageAt: minutesAgo(30), createdAt: minutesAgo(40), messages: ['STOP'], optedOut: true });
  await conversation(tenantA, numberA.id, 'complaint', { first: 'Mariana', last: 'Silva', category: 'complaint', needsAttention: true, lastMessageAt: minutesAgo(20), createdAt: minutesAgo(50), messages: ['Your tech left a mess, I want a refund 50%_off'] });
  await conversation(tenantA, numberA.id, 'xss', { first: 'Eve', last: 'Hacker', lastMessageAt: minutesAgo(300), createdAt: minutesAgo(400), messages: ['<img src=x onerror=alert(1)>'] });

  // Tenant B: the same names, phone and words. Never visible to A.
  await conversation(other.id, numberB.id, 'otherTenant', { first: 'Maria', last: 'Garcia', phone: '+15555550142', needsAttention: true, lastMessageAt: minutesAgo(5), createdAt: minutesAgo(6), messages: ['water heater leaking'] });

  api = await startApi(test.db, { temporalAddress: noTemporal, box });
  a = new ApiClient(api.baseUrl);
  await a.login(userA.user.email, userA.password);
  b = new ApiClient(api.baseUrl);
  await b.login(userB.user.email, userB.password);
});

afterAll(async () => {
  await api?.close();
  await test?.drop();
});

const ids = (page: ConversationPage) => page.items.map((c) => c.id);
const nameOf = (id: string) => Object.entries(named).find(([, c]) => c.id === id)?.[0] ?? id;

async function list(client: ApiClient, query: string): Promise<ConversationPage> {
  const res = await client.get<ConversationPage>(`/api/conversations${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Every item of a tab, following nextCursor with small pages. */
async function all(client: ApiClient, tab: string, search = '', limit = 2, status?: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const q = new URLSearchParams({ tab, limit: String(limit), ...(search ? { search } : {}), ...(cursor ? { cursor } : {}), ...(status ? { status } : {}) });
    const page = await list(client, `?${q}`);
    seen.push(...ids(page));
    cursor = page.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('paging did not end');
}

describe('GET /api/conversations', () => {
  it('orders needs-attention first, then newest message, then newest created, then id; no-message last', async () => {
    const page = await list(a, '');
    const [t1, t2] = [named.fullTie1!.id, named.fullTie2!.id].sort().reverse();
    expect(ids(page).map(nameOf)).toEqual(
      ['urgentNewer', 'urgentOlder', 'recent', 'tieNewerCreated', 'tieOlderCreated', nameOf(t1!), nameOf(t2!), 'xss', 'noMessages'],
    );
    expect(page.counts).toEqual({ engaged: 9, opt_outs: 1, complaints: 1 });
    expect(page.attention).toEqual({ engaged: 2, opt_outs: 0, complaints: 1 });
    expect(page.nextCursor).toBeNull();
  });

  it('presents the contract shape with the last message', async () => {
    const page = await list(a, '?limit=1');
    expect(page.items[0]).toEqual({
      id: named.urgentNewer!.id,
      category: 'engaged',
      needsAttention: true,
      lastMessageAt: expect.stringMatching(/Z$/),
      createdAt: expect.stringMatching(/Z$/),
      contact: { id: expect.any(String), firstName: 'Maria', lastName: 'Garcia', phone: '+15555550142', optedOut: false },
      lastMessage: { direction: 'inbound', author: 'customer', body: 'Thanks!', createdAt: expect.any(String) },
      bookingStatus: 'none',
      serviceTitanBookingId: null,
      serviceTitanBookingCreatedAt: null,
      status: 'open',
      episode: 1,
      serviceTitanJob: null,
    });
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('filters by tab', async () => {
    expect(ids(await list(a, '?tab=opt_outs')).map(nameOf)).toEqual(['optOut']);
    expect(ids(await list(a, '?tab=complaints')).map(nameOf)).toEqual(['complaint']);
  });

  it('pages through every conversation exactly once, for every page size', async () => {
    const full = ids(await list(a, '?limit=100'));
    for (const limit of [1, 2, 3, 4]) expect(await all(a, 'engaged', '', limit)).toEqual(full);
  });

  it.each([
    ['first name', 'maria', ['urgentNewer'], ['complaint']],
    ['last name, any case', 'OKAFOR', ['urgentOlder'], []],
    ['full name', 'Maria Garcia', ['urgentNewer'], []],
    ['phone with a space', '555 0142', ['urgentNewer'], []],
    ['formatted phone', '(555) 555-0142', ['urgentNewer'], []],
    ['last four digits', '0142', ['urgentNewer'], []],
    ['E.164', '+15555550142', ['urgentNewer'], []],
    ['a word of an older message, any case', 'HEATER', ['recent'], []],
    ['a word of the first message', 'no heat', ['urgentNewer'], []],
    ['the start of a word of a message', 'leak', ['recent'], []],
    ['words of a message in any order', 'leaking heater', ['recent'], []],
    ['LIKE wildcards are literal', '50%_off', [], ['complaint']],
    ['a percent alone is no wildcard', '%', [], []],
    // Message text is searched by word: "arage" is inside "garage" but starts no word.
    ['the inside of a word of a message finds nothing', 'arage', [], []],
  ])('searches by %s', async (_what, search, engaged, complaints) => {
    const page = await list(a, `?search=${encodeURIComponent(search)}`);
    expect(ids(page).map(nameOf)).toEqual(engaged);
    expect((await all(a, 'complaints', search)).map(nameOf)).toEqual(complaints);
    expect(page.counts.engaged).toBe(engaged.length);
    expect(page.counts.complaints).toBe(complaints.length);
  });

  it('says what matched under a search: the name, the number, or the newest matching message', async () => {
    const marked = (m: { text: string; ranges: Array<[number, number]> } | null | undefined) => m?.ranges.map(([s, e]) => m.text.slice(s, e));
    const byName = (await list(a, '?search=garc')).items[0]!;
    expect(byName.match).toEqual({ field: 'name', text: 'Maria Garcia', ranges: [[6, 10]] });
    const byPhone = (await list(a, `?search=${encodeURIComponent('555 0142')}`)).items[0]!;
    expect(byPhone.match).toMatchObject({ field: 'phone', text: '+15555550142' });
    expect(marked(byPhone.match)).toEqual(['5550142']);
    // "heater" is in Aisha's first message, not her newest ("see you then").
    const older = (await list(a, '?search=HEATER')).items[0]!;
    expect(older.match).toMatchObject({ field: 'message', text: 'My WATER heater is leaking all over the garage' });
    expect(older.match?.message).toMatchObject({ direction: 'inbound', latest: false, id: expect.any(String) });
    expect(marked(older.match)).toEqual(['heater']);
    const newest = (await list(a, '?search=see%20then')).items[0]!;
    expect(newest.match?.message?.latest).toBe(true);
    expect(marked(newest.match)).toEqual(['see', 'then']);
    // Two digits find numbers: "55" finds Maria's (555) 555-0142 and no other of tenant A.
    expect(ids(await list(a, '?search=55')).map(nameOf)).toEqual(['urgentNewer']);
    // Without a search there is nothing to explain.
    expect((await list(a, '')).items[0]).not.toHaveProperty('match');
  });

  it('counts equal the lengths of the paged tab lists under the same search', async () => {
    for (const search of ['', 'a', 'garcia', 'e', '555', 'zzz-nothing']) {
      const { counts, attention } = await list(a, `?search=${encodeURIComponent(search)}`);
      for (const tab of ['engaged', 'opt_outs', 'complaints'] as const) {
        const everything = await all(a, tab, search, 2);
        expect(new Set(everything).size).toBe(everything.length);
        expect(counts[tab], `${tab} under "${search}"`).toBe(everything.length);
        const rows = await test.db.models.Conversation.findAll({ where: { id: everything } });
        expect(attention[tab]).toBe(rows.filter((r) => r.needsAttention).length);
      }
    }
  });

  it('lists open conversations by default; tabs and counts apply within the chosen status', async () => {
    const resolvedOnes = [named.recent!.id, named.complaint!.id];
    await test.db.models.Conversation.update({ status: 'resolved' }, { where: { id: resolvedOnes } });
    try {
      expect(await all(a, 'engaged')).not.toContain(named.recent!.id);
      expect(await all(a, 'engaged', '', 2, 'resolved')).toEqual([named.recent!.id]);
      expect(await all(a, 'complaints', '', 2, 'resolved')).toEqual([named.complaint!.id]);
      expect(await all(a, 'engaged', '', 2, 'all')).toContain(named.recent!.id);
      for (const status of ['open', 'resolved', 'all']) {
        for (const search of ['', 'heater']) {
          const { counts } = await list(a, `?status=${status}&search=${search}`);
          for (const tab of ['engaged', 'opt_outs', 'complaints'] as const) {
            expect(counts[tab], `${tab}, ${status}, "${search}"`).toBe((await all(a, tab, search, 2, status)).length);
          }
        }
      }
      expect((await a.get('/api/conversations?status=closed')).status).toBe(400);
    } finally {
      await test.db.models.Conversation.update({ status: 'open' }, { where: { id: resolvedOnes } });
    }
  });

  it('never shows another tenant, in lists or searches', async () => {
    const otherId = named.otherTenant!.id;
    for (const search of ['', 'Maria', '0142', 'heater']) {
      for (const tab of ['engaged', 'opt_outs', 'complaints']) expect(await all(a, tab, search, 100)).not.toContain(otherId);
    }
    expect(ids(await list(b, '?search=heater'))).toEqual([otherId]);
    expect((await list(b, '')).counts).toEqual({ engaged: 1, opt_outs: 0, complaints: 0 });
  });

  it('answers 400 with a message for bad parameters and a tampered cursor', async () => {
    for (const query of ['?tab=spam', '?limit=0', '?limit=101', '?limit=ten', '?tab=engaged&tab=complaints', `?search=${'x'.repeat(201)}`]) {
      const res = await a.get<{ error: string }>(`/api/conversations${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toEqual(expect.any(String));
    }
    const { nextCursor } = await list(a, '?limit=1');
    const decoded = Buffer.from(nextCursor!, 'base64url').toString('utf8');
    const tampered = [
      'not-base64!!',
      Buffer.from('{"x":1}').toString('base64url'),
      Buffer.from(decoded.replace(/"[0-9a-f-]{36}"/, '"1 OR 1=1"')).toString('base64url'),
      Buffer.from(decoded.replace(/T\d\d/, "T99")).toString('base64url'),
      nextCursor!.slice(0, -3),
    ];
    for (const cursor of tampered) {
      const res = await a.get<{ error: string }>(`/api/conversations?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, cursor).toBe(400);
      expect(res.body.error).toMatch(/cursor/);
    }
  });

  it('needs a session', async () => {
    expect((await new ApiClient(api.baseUrl).get('/api/conversations')).status).toBe(401);
  });
});

describe('GET /api/conversations/:id', () => {
  it('returns the conversation with its classification and messages oldest first', async () => {
    const res = await a.get<ConversationWithMessages>(`/api/conversations/${named.recent!.id}`);
    expect(res.status).toBe(200);
    expect(res.body.conversation.id).toBe(named.recent!.id);
    expect(res.body.conversation.classification).toEqual({ category: 'engaged', confidence: null, reason: null, source: null });
    expect(res.body.messages.map((m) => m.body)).toEqual([
      'My WATER heater is leaking all over the garage',
      'Sorry to hear that, booking you now',
      'ok great',
      'see you then',
    ]);
    expect(res.body.messages.map((m) => m.direction)).toEqual(['inbound', 'outbound', 'inbound', 'outbound']);
  });

  it('returns markup in a body verbatim, as JSON text', async () => {
    const res = await a.get<ConversationWithMessages>(`/api/conversations/${named.xss!.id}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.messages[0]!.body).toBe('<img src=x onerror=alert(1)>');
  });

  it('answers 404 for garbage ids, unknown ids and another tenant\'s conversation', async () => {
    for (const id of ['garbage', "1' OR '1'='1", '00000000-0000-0000-0000-000000000000', named.otherTenant!.id]) {
      expect((await a.get(`/api/conversations/${encodeURIComponent(id)}`)).status, id).toBe(404);
    }
  });
});

describe('PATCH /api/conversations/:id', () => {
  it('marks a conversation handled', async () => {
    const res = await a.patch<{ conversation: { needsAttention: boolean; classification: { source: string | null } } }>(
      `/api/conversations/${named.urgentOlder!.id}`,
      { needsAttention: false },
    );
    expect(res.status).toBe(200);
    expect(res.body.conversation.needsAttention).toBe(false);
    expect(res.body.conversation.classification.source).toBeNull();
    await a.patch(`/api/conversations/${named.urgentOlder!.id}`, { needsAttention: true });
  });

  it('records a csr correction; moving to opt_out opts the contact out', async () => {
    const res = await a.patch<{ conversation: { category: string; needsAttention: boolean; contact: { optedOut: boolean }; classification: { source: string; reason: string } } }>(
      `/api/conversations/${named.tieOlderCreated!.id}`,
      { category: 'opt_out' },
    );
    expect(res.status).toBe(200);
    expect(res.body.conversation.category).toBe('opt_out');
    expect(res.body.conversation.needsAttention).toBe(false);
    expect(res.body.conversation.contact.optedOut).toBe(true);
    expect(res.body.conversation.classification.source).toBe('csr');
    const back = await a.patch<{ conversation: { category: string; contact: { optedOut: boolean } } }>(
      `/api/conversations/${named.tieOlderCreated!.id}`,
      { category: 'engaged' },
    );
    expect(back.body.conversation.category).toBe('engaged');
    // Only the customer can opt back in (START).
    expect(back.body.conversation.contact.optedOut).toBe(true);
  });

  it('answers 400 for an empty or unknown change and 415 for non-JSON', async () => {
    const url = `/api/conversations/${named.recent!.id}`;
    expect((await a.patch(url, {})).status).toBe(400);
    expect((await a.patch(url, { category: 'spam' })).status).toBe(400);
    expect((await a.patch(url, { needsAttention: 'yes' })).status).toBe(400);
    expect((await a.patch(url, { tenantId: tenantA, needsAttention: false })).status).toBe(400);
    expect((await a.request('PATCH', url, 'needsAttention=false', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
  });

  it('answers 404 for another tenant\'s conversation and changes nothing', async () => {
    const res = await a.patch(`/api/conversations/${named.otherTenant!.id}`, { category: 'complaint' });
    expect(res.status).toBe(404);
    const row = await test.db.models.Conversation.findByPk(named.otherTenant!.id, { rejectOnEmpty: true });
    expect(row.category).toBe('engaged');
  });
});

describe('POST /api/conversations/:id/resolve and /reopen', () => {
  it('resolve → 200 {conversation} resolved; reopen → open again, same episode; 404 for another tenant', async () => {
    const id = named.tieOlderCreated!.id;
    const resolved = await a.post<{ conversation: { status: string; episode: number } }>(`/api/conversations/${id}/resolve`);
    expect(resolved.status).toBe(200);
    expect(resolved.body.conversation).toMatchObject({ id, status: 'resolved', episode: 1 });
    expect((await test.db.models.Conversation.findByPk(id))?.resolvedAt).toBeInstanceOf(Date);
    const reopened = await a.post<{ conversation: { status: string; episode: number } }>(`/api/conversations/${id}/reopen`);
    expect(reopened.status).toBe(200);
    expect(reopened.body.conversation).toMatchObject({ id, status: 'open', episode: 1 });
    expect((await b.post(`/api/conversations/${id}/resolve`)).status).toBe(404);
    expect((await test.db.models.Conversation.findByPk(id))?.status).toBe('open');
  });
});

describe('POST /api/conversations/:id/messages without Temporal', () => {
  it('validates the body', async () => {
    const url = `/api/conversations/${named.recent!.id}/messages`;
    expect((await a.post(url, { body: '   ' })).status).toBe(400);
    expect((await a.post(url, { body: 'x'.repeat(1601) })).status).toBe(400);
    expect((await a.post(url, {})).status).toBe(400);
    expect((await a.request('POST', url, 'body=hi', { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('answers 409 for an opted-out contact', async () => {
    const res = await a.post<{ error: string }>(`/api/conversations/${named.optOut!.id}/messages`, { body: 'Are you sure?' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/opted out/);
  });

  it('answers 404 for another tenant\'s conversation and writes nothing', async () => {
    const before = await test.db.models.Message.count();
    expect((await a.post(`/api/conversations/${named.otherTenant!.id}/messages`, { body: 'hi' })).status).toBe(404);
    expect(await test.db.models.Message.count()).toBe(before);
  });

  it('answers 503 when Temporal is unreachable and leaves nothing half-written', async () => {
    const target = named.urgentNewer!;
    const before = await test.db.models.Conversation.findByPk(target.id, { rejectOnEmpty: true });
    const messagesBefore = await test.db.models.Message.count({ where: { conversationId: target.id } });
    const res = await a.post<{ error: string }>(`/api/conversations/${target.id}/messages`, { body: 'On our way!' });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/try again/i);
    const after = await test.db.models.Conversation.findByPk(target.id, { rejectOnEmpty: true });
    expect(await test.db.models.Message.count({ where: { conversationId: target.id } })).toBe(messagesBefore);
    expect(after.needsAttention).toBe(true);
    expect(after.lastMessageAt?.getTime()).toBe(before.lastMessageAt?.getTime());
  });
});
