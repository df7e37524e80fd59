import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formEncode, inboundParams, postSignedInboundWebhook, signTwilioWebhook } from '../../test/fakes/twilio/index.ts';
import { twilioMessageSid, uniquePhone } from '../../test/support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../../test/support/pipeline.ts';
import { conversationWorkflowId } from '../../workflows/definitions.ts';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline({ worker: false });
});
afterAll(async () => {
  await p?.close();
});

async function storedNothing(sid: string) {
  const { models } = p.test.db;
  expect(await models.Message.count({ where: { twilioSid: sid } })).toBe(0);
  expect(await models.Contact.count({ where: { tenantId: p.tenant.id } })).toBe(0);
}

function params(overrides: Record<string, string> = {}) {
  return { ...inboundParams({ to: p.ourNumber, from: uniquePhone(), body: 'hello', accountSid: p.tenant.accountSid, messageSid: twilioMessageSid() }), ...overrides };
}

describe('POST /api/twilio/inbound rejects what Twilio did not send', () => {
  it('a wrong signature → 403 and nothing stored', async () => {
    const form = params();
    const res = await postSignedInboundWebhook({ baseUrl: p.baseUrl, publicBaseUrl: p.env.PUBLIC_BASE_URL, authToken: 'not-the-token', params: form });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatch(/signature/i);
    await storedNothing(form.MessageSid!);
  });

  it('a signature over another URL (not PUBLIC_BASE_URL) → 403', async () => {
    const form = params();
    const res = await postSignedInboundWebhook({ baseUrl: p.baseUrl, publicBaseUrl: p.baseUrl, authToken: p.tenant.authToken, params: form });
    expect(res.status).toBe(403);
    await storedNothing(form.MessageSid!);
  });

  it('a missing signature → 403', async () => {
    const form = params();
    const res = await fetch(`${p.baseUrl}/api/twilio/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formEncode(form),
    });
    expect(res.status).toBe(403);
    await storedNothing(form.MessageSid!);
  });

  it('a tampered body (signature of other params) → 403', async () => {
    const form = params();
    const signature = signTwilioWebhook(p.tenant.authToken, `${p.env.PUBLIC_BASE_URL}/api/twilio/inbound`, form);
    const res = await postSignedInboundWebhook({
      baseUrl: p.baseUrl,
      publicBaseUrl: p.env.PUBLIC_BASE_URL,
      authToken: p.tenant.authToken,
      params: { ...form, Body: 'changed on the way' },
      signature,
    });
    expect(res.status).toBe(403);
    await storedNothing(form.MessageSid!);
  });

  it('an unknown To number → 404 and nothing stored', async () => {
    const form = params({ To: '+15550009999' });
    const res = await postSignedInboundWebhook({ baseUrl: p.baseUrl, publicBaseUrl: p.env.PUBLIC_BASE_URL, authToken: p.tenant.authToken, params: form });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toContain('+15550009999');
    await storedNothing(form.MessageSid!);
  });

  it.each(['MessageSid', 'From', 'AccountSid'])('a signed webhook missing %s → 400 naming it', async (field) => {
    const form = params();
    const sid = form.MessageSid!;
    delete form[field];
    const res = await postSignedInboundWebhook({ baseUrl: p.baseUrl, publicBaseUrl: p.env.PUBLIC_BASE_URL, authToken: p.tenant.authToken, params: form });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.fields).toHaveProperty(field);
    await storedNothing(sid);
  });

  it('no To → 400; JSON instead of a form → 400; never a 500', async () => {
    const form = params();
    delete form.To;
    const noTo = await postSignedInboundWebhook({ baseUrl: p.baseUrl, publicBaseUrl: p.env.PUBLIC_BASE_URL, authToken: p.tenant.authToken, params: form });
    expect(noTo.status).toBe(400);
    const json = await fetch(`${p.baseUrl}/api/twilio/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params()) });
    expect(json.status).toBe(400);
    const garbage = await fetch(`${p.baseUrl}/api/twilio/inbound`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '%%%&&&=%E0%A4%A' });
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(garbage.status).toBeLessThan(500);
  });

  it('a body over 1600 characters → 400; a huge request → 413', async () => {
    const long = params({ Body: 'x'.repeat(1601) });
    const res = await postSignedInboundWebhook({ baseUrl: p.baseUrl, publicBaseUrl: p.env.PUBLIC_BASE_URL, authToken: p.tenant.authToken, params: long });
    expect(res.status).toBe(400);
    const huge = await fetch(`${p.baseUrl}/api/twilio/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formEncode(params({ Body: 'y'.repeat(200_000) })),
    });
    expect(huge.status).toBe(413);
  });

  it('accepts a valid one: 200 with empty TwiML, stored durably before answering', async () => {
    const form = params({ Body: '🙂 unicode works — ñ' });
    const res = await postSignedInboundWebhook({ baseUrl: p.baseUrl, publicBaseUrl: p.env.PUBLIC_BASE_URL, authToken: p.tenant.authToken, params: form });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    // Durable when answered: the message row (the outbox) exists once, from the customer, in episode 1.
    const stored = await p.test.db.models.Message.findAll({ where: { twilioSid: form.MessageSid } });
    expect(stored.map((m) => [m.body, m.author, m.episode])).toEqual([['🙂 unicode works — ñ', 'customer', 1]]);
    // No worker runs here: the relay signals right behind the answer, which starts the workflow. Its id
    // names the tenant and the conversation, and no phone number.
    const handle = p.temporal.workflow.getHandle(conversationWorkflowId(p.tenant.id, stored[0]!.conversationId));
    expect(handle.workflowId).not.toContain(form.From!.slice(1));
    const description = await waitFor(() => handle.describe().catch(() => null), { what: 'the conversation workflow to start' });
    expect(description.status.name).toBe('RUNNING');
    expect(description.searchAttributes).toBeDefined();
    await waitFor(async () => !(await p.test.db.models.Message.findByPk(stored[0]!.id))?.relayPending, { what: 'the relay to mark it signalled' });
  });
});
