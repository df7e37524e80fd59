// The announcer: what the inbox's LISTEN connection receives. Every conversation announced arrives,
// payloads with quotes and commas intact; a burst goes out in a few notifying statements, not one per
// event; a failed announcement is reported and later ones still arrive.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pgConfigOf } from '../api/live/conversation-events-hub.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { createDatabase } from './connection.ts';
import { ConversationAnnouncer } from './conversation-announcer.ts';
import { conversationEventsChannel, type ConversationEvent } from './conversation-events.ts';

let test: TestDatabase;
let listener: pg.Client;
const received: ConversationEvent[] = [];

beforeAll(async () => {
  test = await createTestDatabase({ poolMax: 4 });
  listener = new pg.Client(pgConfigOf(test.db.sequelize.config));
  await listener.connect();
  listener.on('notification', (msg) => {
    if (msg.channel !== conversationEventsChannel || !msg.payload) return;
    received.push(JSON.parse(msg.payload) as ConversationEvent);
  });
  await listener.query(`LISTEN ${conversationEventsChannel}`);
});
afterAll(async () => {
  await listener?.end();
  await test?.drop();
});

describe('ConversationAnnouncer', () => {
  it('announces every conversation of a burst, each once, in a few notifying transactions', async () => {
    const errors: unknown[] = [];
    let notifyingStatements = 0;
    const db = createDatabase(test.url, { poolMax: 4, logging: (sql) => void (sql.includes('pg_notify') && notifyingStatements++) });
    const announcer = new ConversationAnnouncer({ db, onError: (e) => errors.push(e) });
    const tenantId = 'tenant "a", with commas';
    const ids = Array.from({ length: 200 }, (_, i) => `conversation-${i}`);
    for (const id of ids) announcer.announce({ tenantId, id });
    // The same conversation twice in one tick is one event for the inbox.
    announcer.announce({ tenantId, id: 'conversation-0' });
    await announcer.drain();
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(ids.length), { timeout: 5_000 });
    expect(errors).toEqual([]);
    expect(received.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(new Set(received.map((e) => e.tenantId))).toEqual(new Set([tenantId]));
    // Announced in one synchronous burst: the first tick takes them all.
    expect(notifyingStatements).toBe(1);
    await db.sequelize.close();
  });

  it('reports an announcement that could not be sent and goes on with the next', async () => {
    const dead = createDatabase('postgres://postgres@127.0.0.1:9/intellisend', { poolMax: 1 });
    const failures: number[] = [];
    const deadAnnouncer = new ConversationAnnouncer({ db: dead, onError: (_e, count) => failures.push(count) });
    deadAnnouncer.announce({ tenantId: 't', id: 'lost-1' });
    deadAnnouncer.announce({ tenantId: 't', id: 'lost-2' });
    await deadAnnouncer.drain();
    expect(failures).toEqual([2]);
    await dead.sequelize.close();

    const before = received.length;
    const announcer = new ConversationAnnouncer({ db: test.db, onError: (e) => failures.push(Number(e)) });
    announcer.announce({ tenantId: 't', id: 'after-the-outage' });
    await announcer.drain();
    await vi.waitFor(() => expect(received.length).toBeGreaterThan(before), { timeout: 5_000 });
    expect(received.at(-1)).toEqual({ tenantId: 't', id: 'after-the-outage' });
    expect(failures).toEqual([2]);
  });
});
