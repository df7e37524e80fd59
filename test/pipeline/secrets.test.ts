import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLogLines, startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { uniquePhone } from '../support/factories.ts';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

describe('secrets never leave their encrypted columns', () => {
  it('are stored as ciphertext', async () => {
    const tenant = await p.test.db.models.Tenant.findByPk(p.tenant.id, { rejectOnEmpty: true });
    const config = await p.test.db.models.ServiceTitanConfig.findOne({ where: { tenantId: p.tenant.id }, rejectOnEmpty: true });
    expect(tenant.twilioAuthToken).not.toContain(p.tenant.authToken);
    expect(config.clientSecret).not.toContain(p.serviceTitan.clientSecret);
    expect(config.appKey).not.toContain(p.serviceTitan.appKey);
    expect(p.box.open(config.clientSecret!)).toBe(p.serviceTitan.clientSecret);
  });

  it('appear in no log line and no response, through bookings, failures, replies and rejected webhooks', async () => {
    const responses: string[] = [];
    const keep = async (res: Response) => {
      responses.push(`${res.status} ${[...res.headers].join(';')} ${await res.text()}`);
    };
    // A booking that succeeds, one that fails on a wrong secret, a HELP reply through Twilio, rejected webhooks.
    const ok = uniquePhone();
    await keep(await p.sendInbound({ from: ok, body: 'Please call me about a furnace tune-up' }));
    await waitFor(async () => (await p.conversationWith(ok))?.serviceTitanBookingId);

    const config = await p.test.db.models.ServiceTitanConfig.findOne({ where: { tenantId: p.tenant.id }, rejectOnEmpty: true });
    const wrongSecret = 'cs.wrong-secret-value-123456';
    await config.update({ clientSecret: p.box.seal(wrongSecret) });
    p.app.numbers.forgetAll();
    const failing = uniquePhone();
    await keep(await p.sendInbound({ from: failing, body: 'The breaker keeps tripping in the kitchen' }));
    await waitFor(async () => (await p.conversationWith(failing))?.bookingStatus === 'failed', { what: 'a failed booking' });
    await config.update({ clientSecret: p.box.seal(p.serviceTitan.clientSecret) });

    const helpFrom = uniquePhone();
    await keep(await p.sendInbound({ from: helpFrom, body: 'HELP' }));
    await waitFor(async () => p.fakes.twilio.messages.find((m) => m.to === helpFrom));
    await keep(await fetch(`${p.baseUrl}/api/twilio/inbound`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `To=${encodeURIComponent(p.ourNumber)}` }));
    await keep(await fetch(`${p.baseUrl}/api/health`));

    const failed = await p.conversationWith(failing);
    expect(failed?.bookingLastError).toMatch(/client id|client secret|credentials/i);

    const secrets = [p.tenant.authToken, p.serviceTitan.clientSecret, p.serviceTitan.appKey, wrongSecret];
    const everything = [...capturedLogLines, ...responses, failed?.bookingLastError ?? ''];
    expect(capturedLogLines.length).toBeGreaterThan(0);
    // What was scanned is what production writes: pino's lines, the request lines of pino-http, and the
    // Temporal SDK's (here the workflow's error about the failed booking) through the same logger.
    const logged = capturedLogLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.some((l) => l.msg === 'request completed' && l.route === '/api/twilio/inbound' && typeof l.latencyMs === 'number')).toBe(true);
    expect(logged.some((l) => l.sdk === 'temporal' && l.msg === 'Conversation work could not be done' && l.kind === 'booking-failed')).toBe(true);
    for (const secret of secrets) {
      const leaks = everything.filter((line) => line.includes(secret));
      expect(leaks, `secret found in output`).toEqual([]);
    }
  });
});
