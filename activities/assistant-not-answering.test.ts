// A message filed for the assistant whose turn then finds it not answering (switched off, or no assistant
// on the number any more) is handed to a person as on a number without an assistant: prepareAssistantTurn
// gives a handoff with nothing to send and no model call, and recordAssistantTurn files the message for a
// person (flag raised unless a person answered meanwhile, the episode booked), once. A person who took
// the session over has it; an opted-out customer gets nothing. (The end-to-end cases, the admin's change
// landing while the turn waits for the model: test/pipeline/assistant-loop.test.ts.)
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffTurn } from '../assistant/assistant-turn.ts';
import { takeOverSession } from '../db/repositories/assistant-sessions.ts';
import { insertAssistant, setAssistantNumbers } from '../db/repositories/assistants.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { createConversation, createMessage, createPhoneNumber, createTenant } from '../test/support/factories.ts';
import { noAssistantReason, switchedOffReason } from './assistant-not-answering.ts';
import { prepareAssistantTurn, recordAssistantTurn } from './assistant-turns.ts';
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

/** A conversation on a number whose assistant answers (auto mode unless said), and a message filed for it. */
async function filedForTheAssistant(mode: 'auto' | 'draft' = 'auto') {
  const db = test.db;
  const number = await createPhoneNumber(db, { tenantId });
  const assistantId = await db.sequelize.transaction(async (transaction) => {
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
        businessHours: null,
        afterHours: 'answer',
        afterHoursMessage: '',
        replyCap: 10,
      },
      transaction,
    );
    await setAssistantNumbers(db, tenantId, id, [number.id], transaction);
    return id;
  });
  const conversation = await createConversation(db, { tenantId, phoneNumberId: number.id });
  const message = await createMessage(db, { conversationId: conversation.id, direction: 'inbound', filedAt: null, body: 'Can you come fix my AC?' });
  const filed = await fileInboundMessage({ db })({ messageId: message.id, route: 'classify', filing: { category: 'engaged', confidence: 0.9, reason: 'Asks for a visit.', source: 'ai' } });
  expect(filed).toMatchObject(mode === 'auto' ? { assistant: 'reply', booking: 'keep' } : { assistant: 'draft', booking: 'start' });
  const turn = { conversationId: conversation.id, messageIds: [message.id], complaint: false };
  return { assistantId, conversation, message, turn };
}

/** The turn as the workflow runs it: prepare, then (a handoff decided before any model call) record. */
async function runTurn(turn: { conversationId: string; messageIds: string[]; complaint: boolean }) {
  const plan = await prepareAssistantTurn({ db: test.db, box })(turn);
  if (!plan) return { plan, recorded: null };
  expect(plan.handoff).not.toBeNull();
  const result = handoffTurn(plan.input, plan.handoff!);
  const record = { conversationId: turn.conversationId, sessionId: plan.sessionId, mode: plan.mode, messageIds: turn.messageIds, result, bookingRequested: false };
  const recorded = await recordAssistantTurn({ db: test.db })(record);
  // A retried record (its first result lost) finds the turn: nothing queued, the booking asked for again while it never began.
  expect(await recordAssistantTurn({ db: test.db })(record)).toEqual(recorded);
  return { plan, recorded };
}

const conversationNow = (id: string) => test.db.models.Conversation.findByPk(id, { rejectOnEmpty: true });
const sessionOf = async (conversationId: string) =>
  (await test.db.sequelize.query(`SELECT ended_reason, handoff_reason FROM assistant_sessions WHERE conversation_id = :conversationId`, { replacements: { conversationId } }))[0];

describe('the assistant no longer answers when its turn runs', () => {
  it.each([
    ['disabled', `UPDATE assistants SET enabled = false WHERE id = :assistantId`, switchedOffReason],
    ['mode off', `UPDATE assistants SET mode = 'off' WHERE id = :assistantId`, switchedOffReason],
    ['deleted', `DELETE FROM assistants WHERE id = :assistantId`, noAssistantReason],
    ['the number taken from it', `DELETE FROM assistant_phone_numbers WHERE assistant_id = :assistantId`, noAssistantReason],
  ])('%s: nothing sent, no model call, filed for a person (flag raised, booked)', async (_case, change, reason) => {
    const { assistantId, conversation, turn } = await filedForTheAssistant();
    await test.db.sequelize.query(change, { replacements: { assistantId } });
    const { plan, recorded } = await runTurn(turn);
    expect(plan).toMatchObject({ mode: 'auto', handoff: reason, input: { handoffMessage: '', tools: [] } });
    expect(recorded).toEqual({ replyMessageIds: [], booking: 'start' });
    expect((await conversationNow(conversation.id)).needsAttention).toBe(true);
    expect(await sessionOf(conversation.id)).toEqual([{ ended_reason: 'handoff', handoff_reason: reason }]);
    // Asked again (a replayed filing), the message asks nothing more of the assistant.
    const again = await fileInboundMessage({ db: test.db })({ messageId: turn.messageIds[0]!, route: 'classify', filing: null });
    expect(again).toMatchObject({ assistant: null });
  });

  it('draft mode: the message was filed for a person already (flag, booking); switched off, there is only no draft', async () => {
    const { assistantId, conversation, turn } = await filedForTheAssistant('draft');
    await test.db.sequelize.query(`UPDATE assistants SET enabled = false WHERE id = :assistantId`, { replacements: { assistantId } });
    const { plan, recorded } = await runTurn(turn);
    expect(plan).toMatchObject({ mode: 'draft', handoff: switchedOffReason });
    expect(recorded).toEqual({ replyMessageIds: [], booking: 'keep' });
    expect((await conversationNow(conversation.id)).needsAttention).toBe(true);
    const [turns] = await test.db.sequelize.query(`SELECT outcome, draft FROM assistant_turns WHERE conversation_id = :id`, { replacements: { id: conversation.id } });
    expect(turns).toEqual([{ outcome: 'handoff', draft: null }]);
  });

  it('a person who answered it meanwhile (marked handled) is not asked again; it is still booked', async () => {
    const { assistantId, conversation, turn } = await filedForTheAssistant();
    await test.db.sequelize.query(`UPDATE conversations SET handled_at = now() WHERE id = :id`, { replacements: { id: conversation.id } });
    await test.db.sequelize.query(`UPDATE assistants SET enabled = false WHERE id = :assistantId`, { replacements: { assistantId } });
    const { recorded } = await runTurn(turn);
    expect(recorded).toEqual({ replyMessageIds: [], booking: 'start' });
    expect((await conversationNow(conversation.id)).needsAttention).toBe(false);
  });

  it('a person who took the session over has it: no turn, nothing changed', async () => {
    const { assistantId, conversation, turn } = await filedForTheAssistant();
    await test.db.sequelize.transaction((transaction) => takeOverSession(test.db, { id: conversation.id, tenantId }, { onlyAuto: false }, transaction));
    await test.db.sequelize.query(`UPDATE assistants SET enabled = false WHERE id = :assistantId`, { replacements: { assistantId } });
    expect((await runTurn(turn)).plan).toBeNull();
    expect((await conversationNow(conversation.id)).needsAttention).toBe(false);
    expect(await sessionOf(conversation.id)).toEqual([{ ended_reason: 'taken_over', handoff_reason: null }]);
  });

  it('an opted-out customer gets nothing, assistant or not', async () => {
    const { assistantId, conversation, turn } = await filedForTheAssistant();
    await test.db.models.Contact.update({ optedOut: true }, { where: { id: conversation.contactId } });
    await test.db.sequelize.query(`UPDATE assistants SET enabled = false WHERE id = :assistantId`, { replacements: { assistantId } });
    expect((await runTurn(turn)).plan).toBeNull();
  });
});
