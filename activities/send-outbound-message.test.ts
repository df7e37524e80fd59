// The send activity and the workflow's give-up step over a real database, the real twilio SDK and the
// fake Twilio: each outcome of a send, and what a later try (Temporal's retry) then does.
import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ServiceTitanTokenCache } from '../clients/servicetitan/token-cache.ts';
import { createTwilioSender } from '../clients/twilio/sender.ts';
import { TwilioSendError } from '../clients/twilio/twilio-send-error.ts';
import type { Message } from '../db/models/message.ts';
import { createLogger } from '../logging/logger.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { startFakeTwilio, type FakeTwilio } from '../test/fakes/twilio/index.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { createConversation, createPhoneNumber, createTenant } from '../test/support/factories.ts';
import { recordOutboundFailure } from './record-failures.ts';
import { sendClaimLeaseMs, sendInFlightError, sendOutboundMessage } from './send-outbound-message.ts';
import type { ActivityDeps } from './types.ts';

let test: TestDatabase;
let fake: FakeTwilio;
let deps: ActivityDeps;
let conversationId: string;

beforeAll(async () => {
  test = await createTestDatabase();
  fake = await startFakeTwilio({ statusCallbacks: 'off' });
  const box = new SecretBox(randomBytes(32).toString('base64'));
  const { tenant, authToken } = await createTenant(test.db, box);
  fake.addAccount(tenant.twilioAccountSid!, authToken);
  const number = await createPhoneNumber(test.db, { tenantId: tenant.id });
  conversationId = (await createConversation(test.db, { tenantId: tenant.id, phoneNumberId: number.id })).id;
  deps = {
    env: { PUBLIC_BASE_URL: 'https://intellisend.test' },
    db: test.db,
    box,
    classifier: null,
    twilio: createTwilioSender({ apiBaseUrl: fake.url, timeoutMs: 300 }),
    serviceTitanTokens: new ServiceTitanTokenCache(),
    logger: createLogger('silent'),
  };
});
afterAll(async () => {
  await fake?.close();
  await test?.drop();
});
beforeEach(() => fake.faults.clear());

const send = (messageId: string) => sendOutboundMessage(deps)({ messageId });
const giveUp = (messageId: string, error: string) => recordOutboundFailure(deps)({ messageId, error });
const created = (body: string) => fake.messages.filter((m) => m.body === body).length;

async function queued(body: string): Promise<Message> {
  const tenantId = (await test.db.models.Conversation.findByPk(conversationId, { rejectOnEmpty: true })).tenantId;
  return test.db.models.Message.create({ tenantId, conversationId, direction: 'outbound', body, status: 'queued' });
}

/** The message as a try left it when it claimed it `ms` ago. */
async function claimedAgo(message: Message, ms: number): Promise<void> {
  await test.db.sequelize.query(`UPDATE messages SET status = 'sending', updated_at = now() - make_interval(secs => $2 / 1000.0) WHERE id = $1`, {
    bind: [message.id, ms],
  });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (err: unknown) => err,
  );
}

describe('sendOutboundMessage', () => {
  it('records the SID and puts our message id in the status callback URL', async () => {
    const message = await queued('sent normally');
    const result = await send(message.id);
    expect(result).toMatchObject({ sid: expect.stringMatching(/^SM/), status: 'queued' });
    await message.reload();
    expect(message).toMatchObject({ twilioSid: result.sid, status: 'queued' });
    expect(fake.messages.at(-1)?.statusCallback).toBe(`https://intellisend.test/api/twilio/status?messageId=${message.id}`);
    // Idempotent on our id: another try sends nothing.
    expect(await send(message.id)).toMatchObject({ sid: result.sid });
    expect(created('sent normally')).toBe(1);
  });

  it('an answer lost after Twilio took it: `unknown`, returns normally, and no later try sends it again', async () => {
    const message = await queued('lost answer');
    fake.faults.set({ mode: 'lostAnswer', times: 1 });
    expect(await send(message.id)).toEqual({ sid: null, status: 'unknown' });
    expect((await message.reload()).status).toBe('unknown');
    expect(await send(message.id)).toEqual({ sid: null, status: 'unknown' });
    expect(created('lost answer')).toBe(1);
  });

  it('an answer later than the client waits: `unknown`, created once', async () => {
    const message = await queued('late answer');
    fake.faults.set({ mode: 'slowAnswer', answerDelayMs: 1_000, times: 1 });
    expect(await send(message.id)).toEqual({ sid: null, status: 'unknown' });
    expect(created('late answer')).toBe(1);
  });

  it('certainly not sent (503): throws a retryable error, back to queued, and the next try delivers once', async () => {
    const message = await queued('after an outage');
    fake.faults.set({ mode: 'down', status: 503, times: 1 });
    const err = await failureOf(send(message.id));
    expect(err).toBeInstanceOf(TwilioSendError);
    expect(err).toMatchObject({ failure: 'notSent', retryable: true });
    expect((await message.reload()).status).toBe('queued');
    const result = await send(message.id);
    expect(result.sid).toMatch(/^SM/);
    expect(created('after an outage')).toBe(1);
  });

  it('Twilio refuses it: a non-retryable failure, and giving up marks it failed with the reason', async () => {
    const message = await queued('x'.repeat(1601));
    const err = await failureOf(send(message.id));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'TwilioRejectedError', nonRetryable: true });
    await giveUp(message.id, (err as Error).message);
    await message.reload();
    expect(message.status).toBe('failed');
    expect(message.errorCode).toContain('1600');
  });

  it("a try that finds the message still `sending` past its claim's lease (the one before died mid-send) marks it unknown and sends nothing", async () => {
    const message = await queued('worker died');
    await claimedAgo(message, sendClaimLeaseMs + 1_000);
    const before = fake.requestCount;
    expect(await send(message.id)).toEqual({ sid: null, status: 'unknown' });
    expect(fake.requestCount).toBe(before);
    expect((await message.reload()).status).toBe('unknown');
  });

  it('a try that finds a younger claim (the one before may still be on its way to Twilio) waits for it: retryable, nothing marked or sent', async () => {
    const message = await queued('still in flight');
    await claimedAgo(message, sendClaimLeaseMs - 5_000);
    const before = fake.requestCount;
    const err = await failureOf(send(message.id));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: sendInFlightError, nonRetryable: false });
    expect(fake.requestCount).toBe(before);
    expect((await message.reload()).status).toBe('sending');
    // That try learns Twilio certainly did not take it and releases the claim: the next try sends it, once.
    await message.update({ status: 'queued' });
    expect((await send(message.id)).sid).toMatch(/^SM/);
    expect(created('still in flight')).toBe(1);
  });
});

describe('recordOutboundFailure', () => {
  it('a try still in flight when the workflow gave up: unknown, not failed', async () => {
    const message = await queued('timed out in flight');
    await message.update({ status: 'sending' });
    await giveUp(message.id, 'Activity task timed out');
    await message.reload();
    expect(message.status).toBe('unknown');
    expect(message.errorCode).toBeNull();
  });

  it('leaves an unknown or sent message as it is', async () => {
    const unknown = await queued('stays unknown');
    await unknown.update({ status: 'unknown' });
    await giveUp(unknown.id, 'whatever');
    expect((await unknown.reload()).status).toBe('unknown');

    const sent = await queued('stays sent');
    await send(sent.id);
    await giveUp(sent.id, 'whatever');
    expect((await sent.reload()).status).toBe('queued');
    expect(sent.errorCode).toBeNull();
  });
});
