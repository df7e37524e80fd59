// Personal data sealed in Temporal: what the Temporal server stores, read with the plain Temporal CLI,
// holds no message body and no phone number; the app's codec endpoint opens it again for a signed-in
// admin (what the Temporal UI and `temporal --codec-endpoint` call), and for nobody else.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../api/conversations/api-test-client.ts';
import type { WirePayload } from '../../api/temporal/codec-protocol.ts';
import { temporalBinary } from '../../scripts/temporal-dev-server.ts';
import { createUser, twilioMessageSid, uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

const run = promisify(execFile);
const codec = '/api/temporal/codec';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

/**
 * Every Payload in a proto3-JSON history (objects with base64 `metadata` values), apart from search
 * attributes, which the server indexes and so must stay plain: those go to `attributes` by name; and
 * the SDK core's marker bookkeeping (patch ids, local activity type and times, no data of ours).
 */
function payloadsIn(value: unknown, out: WirePayload[] = [], attributes: Array<[string, WirePayload]> = []): WirePayload[] {
  if (Array.isArray(value)) for (const v of value) payloadsIn(v, out, attributes);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const metadata = o.metadata as Record<string, unknown> | undefined;
    if (metadata && typeof metadata === 'object' && typeof metadata.encoding === 'string') {
      out.push({ metadata: metadata as Record<string, string>, data: typeof o.data === 'string' ? o.data : '' });
      return out;
    }
    for (const [k, v] of Object.entries(o)) {
      // The SDK core writes its markers' own bookkeeping outside the codec: a patch id, and a local
      // activity's sequence number, type and times (its input and result are ours, and sealed).
      if (k === 'patch-data' || (k === 'data' && o.result !== undefined)) continue;
      if (k === 'searchAttributes') {
        const fields = (v as { indexedFields?: Record<string, unknown> }).indexedFields ?? {};
        for (const [name, field] of Object.entries(fields)) for (const payload of payloadsIn(field)) attributes.push([name, payload]);
      } else payloadsIn(v, out, attributes);
    }
  }
  return out;
}

const text = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

describe('Temporal payloads are sealed', () => {
  it('a history read with the plain CLI shows no body or phone number; the codec endpoint opens it for an admin only', { timeout: 90_000 }, async () => {
    const customer = uniquePhone();
    const body = `Codec check ${twilioMessageSid().slice(-8)}: the attic fan at 12 Elm St rattles, come Friday?`;
    await p.sendInbound({ from: customer, body, messageSid: twilioMessageSid() });
    await waitFor(async () => (await p.conversationWith(customer))?.serviceTitanBookingId, { what: 'the booking' });
    const conversation = (await p.conversationWith(customer))!;

    // Found by its tenant search attribute, so this test does not depend on how workflow ids are built.
    const workflowId = await waitFor(async () => {
      for await (const w of p.temporal.workflow.list({ query: `TenantId = "${p.tenant.id}"` })) return w.workflowId;
      return null;
    }, { what: 'the conversation workflow in visibility' });

    const cli = ['workflow', 'show', '--address', p.env.TEMPORAL_ADDRESS, '--namespace', p.env.TEMPORAL_NAMESPACE, '--workflow-id', workflowId, '--output', 'json'];
    const { stdout: plain } = await run(temporalBinary, cli, { maxBuffer: 64 * 1024 * 1024 });
    const history = JSON.parse(plain) as unknown;
    const attributes: Array<[string, WirePayload]> = [];
    const payloads = payloadsIn(history, [], attributes);
    expect(payloads.length).toBeGreaterThanOrEqual(3);
    // Every payload is an envelope naming only the cipher and the key.
    const unsealed = payloads.filter((x) => text(x.metadata.encoding!) !== 'binary/encrypted').map((x) => `${text(x.metadata.encoding!)}: ${text(x.data)}`);
    expect(unsealed, 'payloads stored in the clear').toEqual([]);
    for (const payload of payloads) expect(Object.keys(payload.metadata).sort()).toEqual(['encoding', 'encryption-key-id']);
    // Search attributes cannot be sealed: they hold the tenant, the category and the booking status only.
    expect(attributes.length).toBeGreaterThan(0);
    for (const [name, payload] of attributes) {
      const value: unknown = JSON.parse(text(payload.data));
      if (name === 'TenantId') expect(value).toBe(p.tenant.id);
      else if (name === 'ConversationCategory') expect(['engaged', 'opt_out', 'complaint']).toContain(value);
      else if (name === 'BookingStatus') expect(['none', 'pending', 'retrying', 'created', 'failed', 'skipped']).toContain(value);
      // The SDK's own: the patch ids this run went through (patched()).
      else if (name === 'TemporalChangeVersion') expect(value).toEqual(expect.arrayContaining([expect.any(String)]));
      else expect.fail(`unexpected search attribute ${name}`);
    }
    // Nothing personal anywhere in the stored history — in any encoding a reader might try. (The workflow
    // id is the one field the codec cannot seal; the contract keeps phone numbers out of it.)
    const stored = plain.replaceAll(workflowId, '<workflow id>');
    const decodedPayloadText = payloads.map((x) => text(x.data)).join('\n');
    const national = customer.slice(2);
    for (const marker of [customer, national, p.ourNumber, p.ourNumber.slice(2), 'attic fan', '12 Elm St', conversation.id]) {
      expect(stored, `the history holds ${marker}`).not.toContain(marker);
      expect(decodedPayloadText, `a payload holds ${marker} in the clear`).not.toContain(marker);
    }

    // An admin decodes the same payloads through the codec endpoint, as the Temporal UI does.
    const { user: admin, password } = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'admin' });
    const asAdmin = new ApiClient(p.baseUrl);
    await asAdmin.login(admin.email, password);
    const decoded = await asAdmin.request<{ payloads: WirePayload[] }>('POST', `${codec}/decode`, { payloads }, { 'X-Namespace': p.env.TEMPORAL_NAMESPACE });
    expect(decoded.status).toBe(200);
    expect(decoded.body.payloads).toHaveLength(payloads.length);
    const opened = decoded.body.payloads.map((x) => text(x.data)).join('\n');
    // The workflow carries ids, not texts (everything personal lives in Postgres); what it does carry —
    // the conversation id, the classifier's reasoning — opens for an admin.
    expect(opened).toContain(conversation.id);
    expect(opened).toContain('"source":"ai"');
    expect(decoded.body.payloads.every((x) => text(x.metadata.encoding!).startsWith('json/'))).toBe(true);

    // Encode then decode round-trips (the UI encodes what a person types to signal a workflow).
    const input = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"reason":"ops"}').toString('base64') }] };
    const encoded = await asAdmin.request<{ payloads: WirePayload[] }>('POST', `${codec}/encode`, input);
    expect(encoded.status).toBe(200);
    expect(text(encoded.body.payloads[0]!.metadata.encoding!)).toBe('binary/encrypted');
    const back = await asAdmin.request<{ payloads: WirePayload[] }>('POST', `${codec}/decode`, encoded.body);
    expect(back.body).toEqual(input);

    // The Temporal CLI pointed at the endpoint with the admin's session shows the decoded history.
    const { stdout: viaCodec } = await run(
      temporalBinary,
      [...cli, '--codec-endpoint', `${p.baseUrl}${codec}`, '--codec-header', `Cookie=${asAdmin.cookie}`],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    expect(payloadsIn(JSON.parse(viaCodec)).map((x) => text(x.data)).join('\n')).toContain(conversation.id);

    // A CSR is refused; without a session, 401; a tampered payload is a clear 400.
    const { user: csr, password: csrPassword } = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'csr' });
    const asCsr = new ApiClient(p.baseUrl);
    await asCsr.login(csr.email, csrPassword);
    const refused = await asCsr.request('POST', `${codec}/decode`, { payloads });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain(customer);
    expect((await new ApiClient(p.baseUrl).request('POST', `${codec}/decode`, { payloads })).status).toBe(401);
    const first = payloads[0]!;
    const flipped = Buffer.from(first.data, 'base64');
    flipped[flipped.length - 1]! ^= 1;
    const tampered = await asAdmin.request<{ error: string }>('POST', `${codec}/decode`, { payloads: [{ ...first, data: flipped.toString('base64') }] });
    expect(tampered.status).toBe(400);
    expect(tampered.body.error).toMatch(/tampered/);
  });

  it('answers CORS for the Temporal UI origin with credentials, and refuses other sites', async () => {
    const ui = new URL(p.env.TEMPORAL_UI_URL).origin;
    const preflight = await fetch(`${p.baseUrl}${codec}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: ui, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ui);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/content-type.*x-namespace/);

    // The UI's request without a session: a 401 the UI can read (CORS headers on the error too).
    const anonymous = await fetch(`${p.baseUrl}${codec}/decode`, {
      method: 'POST',
      headers: { Origin: ui, 'Content-Type': 'application/json', 'X-Namespace': 'default' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(ui);

    for (const method of ['OPTIONS', 'POST']) {
      const other = await fetch(`${p.baseUrl}${codec}/decode`, {
        method,
        headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json', 'Access-Control-Request-Method': 'POST' },
        ...(method === 'POST' ? { body: JSON.stringify({ payloads: [] }) } : {}),
      });
      expect(other.status, method).toBe(403);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
