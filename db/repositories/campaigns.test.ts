// The per-number send pace (GCRA, one statement per try): of concurrent tries on one number exactly one
// takes the slot and the others learn how long to wait; each number has its own; a late try keeps the
// number's schedule; an idle number starts again from now (at most two extra sends), not from a backlog,
// and so does a number's first send.
import { randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../secrets/secret-box.ts';
import { createPhoneNumber, createTenant } from '../../test/support/factories.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { takeSendSlot } from './campaigns.ts';

let test: TestDatabase;
let numbers: string[];
let tenantId: string;

beforeAll(async () => {
  test = await createTestDatabase({ poolMax: 10 });
  const { tenant } = await createTenant(test.db, new SecretBox(randomBytes(32).toString('base64')));
  tenantId = tenant.id;
  numbers = [(await createPhoneNumber(test.db, { tenantId: tenant.id })).id, (await createPhoneNumber(test.db, { tenantId: tenant.id })).id];
});
afterAll(() => test?.drop());

const nextSlot = async (id: string) =>
  (await test.db.sequelize.query<{ at: Date }>(`SELECT next_slot_at AS at FROM phone_number_send_pace WHERE phone_number_id = $1`, {
    type: QueryTypes.SELECT,
    bind: [id],
    plain: true,
  }))?.at;

describe('takeSendSlot', () => {
  it('one of concurrent tries on a number takes its slot, the others wait about one interval; another number is independent', async () => {
    const [a, b] = numbers as [string, string];
    // A number whose slot has just come (a fresh one has two more in hand, as after an idle spell).
    const due = new Date();
    await test.db.sequelize.query(`INSERT INTO phone_number_send_pace (phone_number_id, next_slot_at) VALUES ($1, $2)`, { bind: [a, due] });
    const tries = await Promise.all(Array.from({ length: 8 }, () => takeSendSlot(test.db, a, 1000)));
    const taken = tries.filter((t) => t.taken);
    expect(taken).toHaveLength(1);
    // The slot moved on exactly one interval, and every try learns that it is not far off.
    expect((await nextSlot(a))?.getTime()).toBe(due.getTime() + 1000);
    for (const t of tries) {
      const ms = t.taken ? t.nextInMs : t.waitMs;
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(1000);
    }
    expect(await takeSendSlot(test.db, b, 1000)).toMatchObject({ taken: true });
  });

  it("a number's first sends are paced as after an idle spell: three now, then one an interval", async () => {
    const fresh = (await createPhoneNumber(test.db, { tenantId })).id;
    for (let i = 0; i < 3; i++) expect(await takeSendSlot(test.db, fresh, 1000)).toMatchObject({ taken: true });
    const fourth = await takeSendSlot(test.db, fresh, 1000);
    expect(fourth.taken).toBe(false);
    expect(fourth.taken ? 0 : fourth.waitMs).toBeGreaterThan(800);
  });

  it('a try up to two intervals late keeps the schedule; after an idle spell the number starts from now', async () => {
    const [a, b] = numbers as [string, string];
    // Due 1.3 s ago (a late timer and a busy worker): the next slot is one interval after the due one, not
    // after now — already due, so the lane catches up at once.
    await test.db.sequelize.query(`UPDATE phone_number_send_pace SET next_slot_at = now() - interval '1300 milliseconds' WHERE phone_number_id = $1`, { bind: [a] });
    expect(await takeSendSlot(test.db, a, 1000)).toMatchObject({ taken: true, nextInMs: 0 });
    const caughtUp = await takeSendSlot(test.db, a, 1000);
    expect(caughtUp).toMatchObject({ taken: true });
    expect(caughtUp.taken && caughtUp.nextInMs).toBeGreaterThan(500);
    expect(caughtUp.taken && caughtUp.nextInMs).toBeLessThan(750);

    // Idle for an hour: no backlog is owed — three sends may go now, the fourth waits an interval.
    await test.db.sequelize.query(`UPDATE phone_number_send_pace SET next_slot_at = now() - interval '1 hour' WHERE phone_number_id = $1`, { bind: [b] });
    for (let i = 0; i < 3; i++) expect(await takeSendSlot(test.db, b, 1000)).toMatchObject({ taken: true });
    const fourth = await takeSendSlot(test.db, b, 1000);
    expect(fourth.taken).toBe(false);
    expect((await nextSlot(b))?.getTime()).toBeGreaterThan(Date.now() + 800);
  });
});
