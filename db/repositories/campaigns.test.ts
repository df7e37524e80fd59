// The per-number send pace (GCRA in one UPDATE): concurrent reservations get distinct slots one interval
// apart, each number has its own, and an idle number starts again from now rather than from a past backlog.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../secrets/secret-box.ts';
import { createPhoneNumber, createTenant } from '../../test/support/factories.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { reserveSendSlot } from './campaigns.ts';

let test: TestDatabase;
let numbers: string[];

beforeAll(async () => {
  test = await createTestDatabase({ poolMax: 10 });
  const { tenant } = await createTenant(test.db, new SecretBox(randomBytes(32).toString('base64')));
  numbers = [(await createPhoneNumber(test.db, { tenantId: tenant.id })).id, (await createPhoneNumber(test.db, { tenantId: tenant.id })).id];
});
afterAll(() => test?.drop());

describe('reserveSendSlot', () => {
  it('spaces concurrent reservations of one number one interval apart; another number is independent', async () => {
    const [a, b] = numbers as [string, string];
    const slots = (await Promise.all(Array.from({ length: 8 }, () => reserveSendSlot(test.db, a, 1000)))).map((d) => d.getTime()).sort((x, y) => x - y);
    const gaps = slots.slice(1).map((t, i) => t - (slots[i] ?? 0));
    // Each reservation moves the number's next slot one second on, whichever worker asks.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(999);
    expect((slots.at(-1) ?? 0) - (slots[0] ?? 0)).toBeGreaterThanOrEqual(7 * 999);
    const other = await reserveSendSlot(test.db, b, 1000);
    expect(other.getTime()).toBeLessThan((slots[0] ?? 0) + 2_000);
  });

  it('an idle number does not owe a backlog: its next slot is now', async () => {
    const [, b] = numbers as [string, string];
    await test.db.sequelize.query(`UPDATE phone_number_send_pace SET next_slot_at = now() - interval '1 hour' WHERE phone_number_id = $1`, { bind: [b] });
    const before = Date.now();
    const slot = await reserveSendSlot(test.db, b, 1000);
    expect(Math.abs(slot.getTime() - before)).toBeLessThan(2_000);
    const next = await reserveSendSlot(test.db, b, 1000);
    expect(next.getTime() - slot.getTime()).toBeGreaterThanOrEqual(999);
  });
});
