// The fake Twilio over raw HTTP and through the SDK's fetch: what the sender tests do not cover.
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RebasingRequestClient } from '../../../clients/twilio/rebasing-request-client.ts';
import { startFakeTwilio, type FakeTwilio } from './server.ts';

const accountSid = 'AC' + '2'.repeat(32);
const authToken = 'fake-twilio-token-0000000000';
const basic = (sid: string, token: string) => `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
let fake: FakeTwilio;

beforeAll(async () => {
  fake = await startFakeTwilio({ accounts: { [accountSid]: authToken }, statusCallbacks: { intervalMs: 5 } });
});
afterAll(() => fake.close());

function create(form: Record<string, string>, auth = basic(accountSid, authToken)) {
  return fetch(`${fake.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

describe('fake Twilio', () => {
  it('returns the Message resource JSON with 201', async () => {
    const res = await create({ To: '+15125550199', From: '+15125550100', Body: 'hello' });
    expect(res.status).toBe(201);
    const m = (await res.json()) as Record<string, unknown>;
    expect(m).toMatchObject({
      account_sid: accountSid, api_version: '2010-04-01', body: 'hello', direction: 'outbound-api', error_code: null,
      from: '+15125550100', to: '+15125550199', num_segments: '1', status: 'queued',
    });
    expect(m.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(m.date_created).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(m.uri).toBe(`/2010-04-01/Accounts/${accountSid}/Messages/${String(m.sid)}.json`);
  });

  it('answers 401 in Twilio error shape without valid Basic auth', async () => {
    for (const auth of ['', basic(accountSid, 'nope'), basic('AC' + '3'.repeat(32), authToken)]) {
      const res = await create({ To: '+15125550199', From: '+15125550100', Body: 'x' }, auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    }
  });

  it('validates like Twilio', async () => {
    const cases: Array<[Record<string, string>, number]> = [
      [{ From: '+15125550100', Body: 'x' }, 21604],
      [{ To: 'abc', From: '+15125550100', Body: 'x' }, 21211],
      [{ To: '+15125550199', Body: 'x' }, 21603],
      [{ To: '+15125550199', From: '+15125550100' }, 21602],
      [{ To: '+15125550199', From: '+15125550100', Body: 'x'.repeat(1601) }, 21617],
    ];
    for (const [form, code] of cases) {
      const res = await create(form);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code, status: 400 });
    }
    expect((await create({ To: '+15125550199', From: '+15125550100', Body: 'x'.repeat(1600) })).status).toBe(201);
  });

  it('GET shows the message progressing through its statuses (SDK fetch through the rebasing client)', async () => {
    const client = new twilio.Twilio(accountSid, authToken, { httpClient: new RebasingRequestClient(fake.url, { timeout: 5_000 }) });
    const created = await client.messages.create({ to: '+15125550199', from: '+15125550100', body: 'status?' });
    await fake.idle();
    const fetched = await client.messages(created.sid).fetch();
    expect(fetched.status).toBe('delivered');
    expect(fetched.dateSent).toBeInstanceOf(Date);
    await expect(client.messages('SM' + '0'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('lostAnswer: the message is created and goes on to be delivered, but the connection drops unanswered', async () => {
    const before = fake.createdCount;
    fake.faults.set({ mode: 'lostAnswer', times: 1 });
    await expect(create({ To: '+15125550199', From: '+15125550100', Body: 'lost' })).rejects.toThrow();
    expect(fake.createdCount).toBe(before + 1);
    await fake.idle();
    expect(fake.messages.at(-1)).toMatchObject({ body: 'lost', status: 'delivered' });
    // Only the next call misbehaved.
    expect((await create({ To: '+15125550199', From: '+15125550100', Body: 'fine' })).status).toBe(201);
  });

  it('slowAnswer: the message is created at once and the 201 comes after answerDelayMs', async () => {
    fake.faults.set({ mode: 'slowAnswer', answerDelayMs: 300, times: 1 });
    const started = Date.now();
    const answer = create({ To: '+15125550199', From: '+15125550100', Body: 'slow' });
    await expect.poll(() => fake.messages.some((m) => m.body === 'slow')).toBe(true);
    const res = await answer;
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(((await res.json()) as { body: string }).body).toBe('slow');
  });

  it('counts unicode segments like carriers do', async () => {
    const res = await create({ To: '+15125550199', From: '+15125550100', Body: '👍'.repeat(71) });
    expect(((await res.json()) as { num_segments: string }).num_segments).toBe('2');
  });
});
