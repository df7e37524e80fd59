import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSignedInboundWebhook } from '../../test/fakes/twilio/index.ts';
import { uniquePhone } from '../../test/support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../../test/support/pipeline.ts';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

const statusCallback = (sid: string, status: string, authToken: string, extra: Record<string, string> = {}) =>
  postSignedInboundWebhook({
    baseUrl: p.baseUrl,
    publicBaseUrl: p.env.PUBLIC_BASE_URL,
    authToken,
    path: '/api/twilio/status',
    params: { MessageSid: sid, MessageStatus: status, AccountSid: p.tenant.accountSid, From: p.ourNumber, To: '+15550001111', ...extra },
  });

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
    expect((await statusCallback(reply.twilioSid!, 'undelivered', p.tenant.authToken, { ErrorCode: '30003' })).status).toBe(200);
    await reply.reload();
    expect(reply.status).toBe('undelivered');
    expect(reply.errorCode).toBe('30003');
  });

  it('missing fields → 400', async () => {
    const res = await statusCallback('', 'delivered', p.tenant.authToken);
    expect(res.status).toBe(400);
  });
});
