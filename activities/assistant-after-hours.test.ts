// prepareAssistantTurn applies the assistant's business hours with the activity's clock (the rule
// itself is domain/business-hours.ts): in hours the turn runs; after hours `message` hands over with the
// after-hours message, `silent` with nothing, `answer` runs the turn; draft mode writes its draft at any hour.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AfterHours, AssistantMode } from '../contract/assistants.ts';
import { insertAssistant, setAssistantNumbers } from '../db/repositories/assistants.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { createConversation, createMessage, createPhoneNumber, createTenant } from '../test/support/factories.ts';
import { afterHoursReason, prepareAssistantTurn } from './assistant-turns.ts';
import { fileInboundMessage } from './file-inbound-message.ts';

let test: TestDatabase;
let box: SecretBox;
let tenantId: string;

beforeAll(async () => {
  test = await createTestDatabase();
  box = new SecretBox(randomBytes(32).toString('base64'));
  ({ tenant: { id: tenantId } } = await createTenant(test.db, box));
});

afterAll(async () => {
  await test?.drop();
});

const weekday = { open: '08:00', close: '17:00' };
const hours = { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: null, sun: null };
const afterHoursMessage = 'We are closed. We open at 8 AM.';
/** Monday 2026-12-07 in Chicago (UTC-6): 10:00 and 20:00 local. */
const mondayMorning = new Date('2026-12-07T16:00:00Z');
const mondayEvening = new Date('2026-12-08T02:00:00Z');

async function turnFor(afterHours: AfterHours, mode: AssistantMode, at: Date) {
  const db = test.db;
  const number = await createPhoneNumber(db, { tenantId });
  await db.sequelize.transaction(async (transaction) => {
    const id = await insertAssistant(
      db,
      tenantId,
      {
        name: 'Riley',
        enabled: true,
        mode,
        firstSms: 'Hi {firstName}!',
        smsPrompt: 'You book HVAC visits.',
        sessionMinutes: 30,
        handoffMessage: 'A person will text you.',
        tools: { customerLookup: false, jobStatus: false, availability: false, booking: false },
        bookingMode: 'request',
        timeZone: 'America/Chicago',
        businessHours: hours,
        afterHours,
        afterHoursMessage: afterHours === 'message' ? afterHoursMessage : '',
        replyCap: 10,
      },
      transaction,
    );
    await setAssistantNumbers(db, tenantId, id, [number.id], transaction);
  });
  const conversation = await createConversation(db, { tenantId, phoneNumberId: number.id });
  const message = await createMessage(db, { conversationId: conversation.id, direction: 'inbound', filedAt: null, body: 'Can you come fix my AC?' });
  const filed = await fileInboundMessage({ db })({ messageId: message.id, route: 'classify', filing: { category: 'engaged', confidence: 0.9, reason: 'Asks for a visit.', source: 'ai' } });
  expect(filed?.assistant).toBe(mode === 'auto' ? 'reply' : 'draft');
  return prepareAssistantTurn({ db, box, clock: () => at })({ conversationId: conversation.id, messageIds: [message.id], complaint: false });
}

describe('prepareAssistantTurn and business hours', () => {
  it.each([
    ['in hours, message: the turn runs', 'message', 'auto', mondayMorning, null, 'A person will text you.'],
    ['in hours, silent: the turn runs', 'silent', 'auto', mondayMorning, null, 'A person will text you.'],
    ['after hours, answer: the turn runs', 'answer', 'auto', mondayEvening, null, 'A person will text you.'],
    ['after hours, message: hands over with the after-hours message', 'message', 'auto', mondayEvening, afterHoursReason, afterHoursMessage],
    ['after hours, silent: hands over with nothing to send', 'silent', 'auto', mondayEvening, afterHoursReason, ''],
    ['after hours, draft mode: the draft is written as in hours', 'silent', 'draft', mondayEvening, null, 'A person will text you.'],
  ] as const)('%s', async (_case, afterHours, mode, at, handoff, handoffMessage) => {
    const plan = await turnFor(afterHours, mode, at);
    expect(plan).not.toBeNull();
    expect(plan!.handoff).toBe(handoff);
    expect(plan!.input.handoffMessage).toBe(handoffMessage);
    // The model is told the local time from the same clock.
    expect(plan!.input.system).toContain(at === mondayMorning ? '10:00 AM' : '8:00 PM');
  });
});
