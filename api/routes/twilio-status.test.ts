import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSignedInboundWebhook, signTwilioWebhook } from '../../test/fakes/twilio/index.ts';
import { createConversation, createMessage, createPhoneNumber, createTenant, twilioMessageSid, uniquePhone } from '../../test/support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../../test/support/pipeline.ts';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

interface CallbackOptions {
  /** Form fields to add, or to drop (undefined). */
  extra?: Record<string, string | undefined>;
  /** Path and query, e.g. with our `?messageId=` as the send activity writes it. */
  path?: string;
  signature?: string;
}

const statusCallback = (sid: string, status: string, authToken: string, options: CallbackOptions = {}) => {
  const params: Record<string, string> = {};
  const all = { MessageSid: sid, MessageStatus: status, AccountSid: p.tenant.accountSid, From: p.ourNumber, To: '+15550001111', ...options.extra };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) params[k] = v;
  return postSignedInboundWebhook({
    baseUrl: p.baseUrl,
    publicBaseUrl: p.env.PUBLIC_BASE_URL,
    authToken,
    path: options.path ?? '/api/twilio/status',
    params,
    ...(options.signature ? { signature: options.signature } : {}),
  });
};

/** An outbound message of the pipeline's tenant, straight in the database. */
async function outbound(attrs: { status: 'sent' | 'unknown' | 'queued'; twilioSid: string | null }) {
  const conversation = await createConversation(p.test.db, { tenantId: p.tenant.id });
  return createMessage(p.test.db, { conversationId: conversation.id, direction: 'outbound', ...attrs });
}

describe('POST /api/twilio/status', () => {
  it('moves an outbound message forward, never back, and rejects a bad signature', async () => {
    const customer = uniquePhone();
    await p.sendInbound({ from: customer, body: 'INFO' });
    const reply = await waitFor(async () => {
      const c = await p.conversationWith(customer);
      if (!c) return null;
      return p.test.db.models.Message.findOne({ where: { conversationId: c.id, direction: 'outbound' } }).then((m) => (m?.twilioSid ? m : null));
    }, { what: 'the sent help reply' });

    expect((await statusCallback(reply.twilioSid!, 'delivered', 'wrong-token')).status).toBe(403);
    expect((await reply.reload()).status).not.toBe('delivered');

    expect((await statusCallback(reply.twilioSid!, 'delivered', p.tenant.authToken)).status).toBe(200);
    expect((await reply.reload()).status).toBe('delivered');
    // A late "sent" callback does not move it back.
    expect((await statusCallback(reply.twilioSid!, 'sent', p.tenant.authToken)).status).toBe(200);
    expect((await reply.reload()).status).toBe('delivered');
  });

  it('records an undelivered message with its error code', async () => {
    const customer = uniquePhone();
    await p.sendInbound({ from: customer, body: 'HELP' });
    const reply = await waitFor(async () => {
      const c = await p.conversationWith(customer);
      if (!c) return null;
      return p.test.db.models.Message.findOne({ where: { conversationId: c.id, direction: 'outbound' } }).then((m) => (m?.twilioSid ? m : null));
    });
    expect((await statusCallback(reply.twilioSid!, 'undelivered', p.tenant.authToken, { extra: { ErrorCode: '30003' } })).status).toBe(200);
    await reply.reload();
    expect(reply.status).toBe('undelivered');
    expect(reply.errorCode).toBe('30003');
  });

  it('missing fields with a valid signature → 400', async () => {
    const res = await statusCallback('', 'delivered', p.tenant.authToken);
    expect(res.status).toBe(400);
  });
});

describe('the signature comes first', () => {
  it('a bad signature is 403 whether or not the SID is ours, with the same answer', async () => {
    const known = await outbound({ status: 'sent', twilioSid: twilioMessageSid() });
    const forKnown = await statusCallback(known.twilioSid!, 'delivered', 'wrong-token');
    const forUnknown = await statusCallback(twilioMessageSid(), 'delivered', 'wrong-token');
    expect(forKnown.status).toBe(403);
    expect(forUnknown.status).toBe(403);
    expect(await forKnown.text()).toBe(await forUnknown.text());
    expect((await known.reload()).status).toBe('sent');
  });

  it('no signature, an account that is not ours, or malformed fields without a valid signature → 403', async () => {
    const sid = twilioMessageSid();
    expect((await statusCallback(sid, 'delivered', p.tenant.authToken, { signature: ' ' })).status).toBe(403);
    const res = await fetch(`${p.baseUrl}/api/twilio/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ MessageSid: sid, MessageStatus: 'delivered', AccountSid: p.tenant.accountSid }).toString(),
    });
    expect(res.status).toBe(403);
    const stranger = 'AC' + 'f'.repeat(32);
    expect((await statusCallback(sid, 'delivered', 'their-token', { extra: { AccountSid: stranger } })).status).toBe(403);
    expect((await statusCallback('', 'nonsense', 'wrong-token')).status).toBe(403);
  });

  it('a validly signed callback for a SID we do not know is acknowledged with 200', async () => {
    const res = await statusCallback(twilioMessageSid(), 'delivered', p.tenant.authToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
  });

  it('finds the account by From when a callback has no AccountSid', async () => {
    const message = await outbound({ status: 'sent', twilioSid: twilioMessageSid() });
    expect((await statusCallback(message.twilioSid!, 'delivered', 'wrong-token', { extra: { AccountSid: undefined } })).status).toBe(403);
    expect((await statusCallback(message.twilioSid!, 'delivered', p.tenant.authToken, { extra: { AccountSid: undefined } })).status).toBe(200);
    expect((await message.reload()).status).toBe('delivered');
  });

  it("another tenant's valid signature never touches our message", async () => {
    const other = await createTenant(p.test.db, p.box);
    await createPhoneNumber(p.test.db, { tenantId: other.tenant.id });
    const message = await outbound({ status: 'sent', twilioSid: twilioMessageSid() });
    const res = await statusCallback(message.twilioSid!, 'failed', other.authToken, { extra: { AccountSid: other.tenant.twilioAccountSid! } });
    expect(res.status).toBe(200);
    expect((await message.reload()).status).toBe('sent');
  });
});

describe('an `unknown` message', () => {
  it('is resolved by the first real callback, found through our id in the callback URL, which then records the SID', async () => {
    const message = await outbound({ status: 'unknown', twilioSid: null });
    const sid = twilioMessageSid();
    const path = `/api/twilio/status?messageId=${message.id}`;
    expect((await statusCallback(sid, 'delivered', p.tenant.authToken, { path })).status).toBe(200);
    await message.reload();
    expect(message).toMatchObject({ status: 'delivered', twilioSid: sid });
    // From now on it is an ordinary message: a late `sent` does not move it back.
    expect((await statusCallback(sid, 'sent', p.tenant.authToken, { path })).status).toBe(200);
    expect((await message.reload()).status).toBe('delivered');
  });

  it('also learns a failure that way', async () => {
    const message = await outbound({ status: 'unknown', twilioSid: null });
    const path = `/api/twilio/status?messageId=${message.id}`;
    await statusCallback(twilioMessageSid(), 'undelivered', p.tenant.authToken, { path, extra: { ErrorCode: '30003' } });
    await message.reload();
    expect(message).toMatchObject({ status: 'undelivered', errorCode: '30003' });
  });

  it('stays unknown for a callback signed by another tenant, or for a message id the signature does not cover', async () => {
    const other = await createTenant(p.test.db, p.box);
    const message = await outbound({ status: 'unknown', twilioSid: null });
    const path = `/api/twilio/status?messageId=${message.id}`;
    await statusCallback(twilioMessageSid(), 'delivered', other.authToken, { path, extra: { AccountSid: other.tenant.twilioAccountSid! } });
    expect((await message.reload()).status).toBe('unknown');
    // Signed for the plain URL, sent with our id added: the signature does not match.
    const params = { MessageSid: twilioMessageSid(), MessageStatus: 'delivered', AccountSid: p.tenant.accountSid };
    const signed = signTwilioWebhook(p.tenant.authToken, `${p.env.PUBLIC_BASE_URL}/api/twilio/status`, params);
    const res = await statusCallback(params.MessageSid, 'delivered', p.tenant.authToken, { path, signature: signed });
    expect(res.status).toBe(403);
    expect((await message.reload()).status).toBe('unknown');
  });
});
