// The owner cache rides out a database outage: a number it knew keeps its last known owner.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/connection.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { NumberDirectory } from './number-directory.ts';

function stubDatabase(box: SecretBox) {
  const state = { down: false, lookups: 0 };
  const fail = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
  const db = {
    models: {
      PhoneNumber: {
        findOne: () => (state.lookups++, state.down ? fail() : Promise.resolve({ tenantId: 't1' })),
      },
      Tenant: {
        findByPk: () => (state.down ? fail() : Promise.resolve({ id: 't1', twilioAccountSid: 'AC1', twilioAuthToken: box.seal('token-123456') })),
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
});
