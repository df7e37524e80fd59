// The sender against the fake Twilio, through the real twilio SDK over real HTTP.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTwilio, startWebhookReceiver, type FakeTwilio, type WebhookReceiver } from '../../test/fakes/twilio/index.ts';
import { createTwilioSender, TwilioSendError } from './sender.ts';
import { isValidTwilioSignature } from './signature.ts';

const accountSid = 'AC' + '1'.repeat(32);
const authToken = 'token-' + 'b'.repeat(26);
const from = '+15125550100';
const to = '+15125550199';

let fake: FakeTwilio;
let receiver: WebhookReceiver;

beforeAll(async () => {
  fake = await startFakeTwilio({ accounts: { [accountSid]: authToken }, statusCallbacks: { intervalMs: 10 } });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});
beforeEach(() => {
  fake.reset();
  fake.addAccount(accountSid, authToken);
  receiver.received.length = 0;
});
afterEach(() => fake.idle());

const sender = (timeoutMs?: number) => createTwilioSender({ apiBaseUrl: fake.url, ...(timeoutMs ? { timeoutMs } : {}) });

async function sendError(promise: Promise<unknown>): Promise<TwilioSendError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TwilioSendError);
  return err as TwilioSendError;
}

describe('send', () => {
  it('creates the message with HTTP Basic auth of the tenant account', async () => {
    const sent = await sender().send({ accountSid, authToken, from, to, body: 'We can come Tuesday at 3.' });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.status).toBe('queued');
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({ sid: sent.sid, accountSid, from, to, body: 'We can come Tuesday at 3.', auth: { username: accountSid, password: authToken } });
  });

  it('status callbacks arrive signed by the account, queued → sent → delivered', async () => {
    const statusCallback = `${receiver.url}/api/twilio/status`;
    const sent = await sender().send({ accountSid, authToken, from, to, body: 'hi', statusCallback });
    const hooks = await receiver.waitFor(3);
    expect(hooks.map((h) => h.params.MessageStatus)).toEqual(['queued', 'sent', 'delivered']);
    for (const hook of hooks) {
      expect(hook.params).toMatchObject({ MessageSid: sent.sid, AccountSid: accountSid, From: from, To: to });
      const signature = String(hook.headers['x-twilio-signature']);
      expect(isValidTwilioSignature({ authToken, signature, url: statusCallback, params: hook.params })).toBe(true);
      expect(isValidTwilioSignature({ authToken: 'other-token-000000', signature, url: statusCallback, params: hook.params })).toBe(false);
    }
    await fake.idle();
    expect(fake.messages[0]?.status).toBe('delivered');
    expect(fake.callbacks.every((c) => c.responseStatus === 204)).toBe(true);
  });

  it('failDelivery: the final callback is undelivered with ErrorCode 30003', async () => {
    fake.faults.set({ failDelivery: true });
    await sender().send({ accountSid, authToken, from, to, body: 'hi', statusCallback: `${receiver.url}/api/twilio/status` });
    const hooks = await receiver.waitFor(3);
    expect(hooks.at(-1)?.params).toMatchObject({ MessageStatus: 'undelivered', ErrorCode: '30003' });
  });

  it('keeps working when a tenant rotates its auth token', async () => {
    const s = sender();
    await s.send({ accountSid, authToken, from, to, body: 'one' });
    const rotated = 'rotated-' + 'c'.repeat(24);
    fake.addAccount(accountSid, rotated);
    await s.send({ accountSid, authToken: rotated, from, to, body: 'two' });
    expect(fake.messages.map((m) => m.auth.password)).toEqual([authToken, rotated]);
  });
});

describe('errors', () => {
  it('wrong auth token: rejected, and the token is not in the message', async () => {
    const wrong = 'wrong-token-' + 'd'.repeat(20);
    const err = await sendError(sender().send({ accountSid, authToken: wrong, from, to, body: 'hi' }));
    expect(err).toMatchObject({ failure: 'rejected', retryable: false, status: 401, code: 20003 });
    expect(err.message).toContain('20003');
    expect(err.message).not.toContain(wrong);
    expect(JSON.stringify(err)).not.toContain(wrong);
    expect(fake.messages).toHaveLength(0);
  });

  it('Twilio 500 with its error body: not sent, retryable', async () => {
    fake.faults.set({ mode: 'down' });
    const err = await sendError(sender().send({ accountSid, authToken, from, to, body: 'hi' }));
    expect(err).toMatchObject({ failure: 'notSent', retryable: true, status: 500 });
    expect(fake.createdCount).toBe(0);
  });

  it('Twilio 503: not sent, retryable', async () => {
    fake.faults.set({ mode: 'down', status: 503 });
    const err = await sendError(sender().send({ accountSid, authToken, from, to, body: 'hi' }));
    expect(err).toMatchObject({ failure: 'notSent', status: 503 });
  });

  it('a gateway 502: unknown (the API behind it may have taken the message)', async () => {
    fake.faults.set({ mode: 'down', status: 502 });
    const err = await sendError(sender().send({ accountSid, authToken, from, to, body: 'hi' }));
    expect(err).toMatchObject({ failure: 'unknown', retryable: false, status: 502 });
  });

  it('Twilio 429: not sent, retryable', async () => {
    fake.faults.set({ mode: 'rateLimited' });
    const err = await sendError(sender().send({ accountSid, authToken, from, to, body: 'hi' }));
    expect(err).toMatchObject({ failure: 'notSent', retryable: true, status: 429, code: 20429 });
  });

  it('Twilio unreachable (ECONNREFUSED): not sent, retryable', async () => {
    const err = await sendError(createTwilioSender({ apiBaseUrl: 'http://127.0.0.1:1' }).send({ accountSid, authToken, from, to, body: 'hi' }));
    expect(err).toMatchObject({ failure: 'notSent', retryable: true, code: 'ECONNREFUSED' });
  });

  it('Twilio creates the message and the connection drops before the answer: unknown, created once', async () => {
    fake.faults.set({ mode: 'lostAnswer', times: 1 });
    const err = await sendError(sender().send({ accountSid, authToken, from, to, body: 'hi' }));
    expect(err).toMatchObject({ failure: 'unknown', retryable: false, code: 'ECONNRESET' });
    expect(err.message).toMatch(/may have taken/);
    expect(fake.createdCount).toBe(1);
  });

  it('Twilio creates the message and answers after the client gave up: unknown', async () => {
    fake.faults.set({ mode: 'slowAnswer', answerDelayMs: 1_000, times: 1 });
    const err = await sendError(sender(200).send({ accountSid, authToken, from, to, body: 'hi' }));
    expect(err).toMatchObject({ failure: 'unknown', retryable: false });
    expect(err.message).toContain('in time');
    expect(fake.createdCount).toBe(1);
  });

  it('no answer at all after the request was written: unknown, since the client cannot tell', async () => {
    fake.faults.set({ mode: 'timeout', times: 1 });
    const err = await sendError(sender(300).send({ accountSid, authToken, from, to, body: 'hi' }));
    expect(err).toMatchObject({ failure: 'unknown', retryable: false });
    expect(err.message).toContain('in time');
  });

  it.each([
    ['an invalid To', { to: '555-0199' }, 21211],
    ['a body over 1600 characters', { body: 'x'.repeat(1601) }, 21617],
  ])('%s: rejected with the Twilio code', async (_label, override, code) => {
    const err = await sendError(sender().send({ accountSid, authToken, from, to, body: 'hi', ...override }));
    expect(err).toMatchObject({ failure: 'rejected', status: 400, code });
  });

  it('an unsubscribed recipient (21610): non-retryable, readable', async () => {
    fake.blockRecipient(to);
    const err = await sendError(sender().send({ accountSid, authToken, from, to, body: 'hi' }));
    expect(err).toMatchObject({ failure: 'rejected', code: 21610 });
    expect(err.message).toMatch(/unsubscribed/i);
  });

  it('a malformed account SID never leaves the process', async () => {
    const err = await sendError(sender().send({ accountSid: 'nope', authToken, from, to, body: 'hi' }));
    expect(err.failure).toBe('rejected');
    expect(fake.requestCount).toBe(0);
  });
});
