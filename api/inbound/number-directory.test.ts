// The owner cache rides out a database outage (a number it knew keeps its last known owner) and a burst:
// concurrent webhooks share one lookup, and an expired number is answered with its known owner at once.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/connection.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { NumberDirectory } from './number-directory.ts';

function stubDatabase(box: SecretBox) {
  const state = { down: false, lookups: 0, gate: Promise.resolve(), authToken: 'token-123456' };
  const fail = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
  const db = {
    models: {
      PhoneNumber: {
        findOne: () => (state.lookups++, state.down ? fail() : state.gate.then(() => ({ tenantId: 't1' }))),
      },
      Tenant: {
        findByPk: () => (state.down ? fail() : Promise.resolve({ id: 't1', twilioAccountSid: 'AC1', twilioAuthToken: box.seal(state.authToken) })),
      },
    },
  } as unknown as Database;
  return { db, state };
}

describe('NumberDirectory', () => {
  it('serves the last known owner while the database is unreachable, and re-checks after', async () => {
    const box = new SecretBox(randomBytes(32).toString('base64'));
    const { db, state } = stubDatabase(box);
    const numbers = new NumberDirectory(db, box, 0);
    expect(await numbers.ownerOf('+15550000001')).toEqual({ tenantId: 't1', accountSid: 'AC1', authToken: 'token-123456' });
    state.down = true;
    expect((await numbers.ownerOf('+15550000001'))?.tenantId).toBe('t1');
    // A number never seen before cannot be vouched for.
    await expect(numbers.ownerOf('+15550000002')).rejects.toThrow(/ECONNREFUSED/);
    state.down = false;
    numbers.forgetAll();
    expect((await numbers.ownerOf('+15550000001'))?.tenantId).toBe('t1');
  });

  it('sends a burst of webhooks for a number to the database once', async () => {
    const box = new SecretBox(randomBytes(32).toString('base64'));
    const { db, state } = stubDatabase(box);
    const numbers = new NumberDirectory(db, box);
    const owners = await Promise.all(Array.from({ length: 50 }, () => numbers.ownerOf('+15550000001')));
    expect(new Set(owners.map((o) => o?.authToken))).toEqual(new Set(['token-123456']));
    expect(state.lookups).toBe(1);
  });

  it('answers an expired number with its known owner without waiting, while one lookup refreshes it', async () => {
    const box = new SecretBox(randomBytes(32).toString('base64'));
    const { db, state } = stubDatabase(box);
    const numbers = new NumberDirectory(db, box, 0);
    await numbers.ownerOf('+15550000001');
    let release = () => {};
    state.gate = new Promise<void>((r) => (release = r));
    state.authToken = 'token-rotated';
    // The database is slow to answer: the burst is answered anyway, with one lookup under way.
    const owners = await Promise.all(Array.from({ length: 20 }, () => numbers.ownerOf('+15550000001')));
    expect(owners.every((o) => o?.authToken === 'token-123456')).toBe(true);
    expect(state.lookups).toBe(2);
    release();
    await expect.poll(() => numbers.ownerOf('+15550000001').then((o) => o?.authToken)).toBe('token-rotated');
  });

  it('does not cache what a lookup under way found before the tenant\'s settings changed', async () => {
    const box = new SecretBox(randomBytes(32).toString('base64'));
    const { db, state } = stubDatabase(box);
    const numbers = new NumberDirectory(db, box);
    let release = () => {};
    state.gate = new Promise<void>((r) => (release = r));
    const first = numbers.ownerOf('+15550000001');
    numbers.forgetTenant('t1');
    release();
    expect((await first)?.tenantId).toBe('t1');
    state.authToken = 'token-rotated';
    expect((await numbers.ownerOf('+15550000001'))?.authToken).toBe('token-rotated');
  });
});
