// The webhook answers once the message row is stored (the row is the outbox: `relay_pending`); delivery
// to Temporal happens behind it.
// These tests hold the delivery side to its promises: every message reaches its workflow, each
// conversation's messages in the order they arrived (many conversations at once), a re-delivered
// webhook is absorbed at the door, and a row a crashed process left behind is still delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { ConnectionError } from 'sequelize';
import { InboundDispatcher } from '../../api/inbound/inbound-dispatcher.ts';
import type { InboundMessage } from '../../api/inbound/parse-inbound-webhook.ts';
import { ThreadedOutboxRelay } from '../../api/inbound/threaded-outbox-relay.ts';
import { createDatabase } from '../../db/connection.ts';
import { payloadCodec } from '../../temporal/data-converter.ts';
import { ConversationAnnouncer } from '../../db/conversation-announcer.ts';
import { storeInboundMessage } from '../../db/repositories/inbound-messages.ts';
import { conversationWorkflowId, type InboundRequest } from '../../workflows/definitions.ts';
import { twilioMessageSid, uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline({ serviceTitan: false });
  await p.startWorker();
  // A fresh relay sweeps the outbox before it signals new messages itself (older rows go first). Let one
  // message through and give it a sweep more, so the tests below exercise the per-conversation lanes.
  const res = await p.sendInbound({ from: uniquePhone(), body: 'Warming up', messageSid: twilioMessageSid() });
  expect(res.status).toBe(200);
  await waitFor(async () => (await pendingCount()) === 0, { what: 'the warm-up message delivered' });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
});
afterAll(async () => {
  await p?.close();
});

const pendingCount = () => p.test.db.models.Message.count({ where: { relayPending: true } });

/** The MessageSids of the inboundMessage signals in the workflow's history, in the order it took them. */
async function signalledSids(customer: string): Promise<string[]> {
  const conversation = (await p.conversationWith(customer))!;
  const history = await p.temporal.workflow.getHandle(conversationWorkflowId(p.tenant.id, conversation.id)).fetchHistory();
  const messages = await p.test.db.models.Message.findAll({ where: { conversationId: conversation.id } });
  const sidOf = new Map(messages.map((m) => [m.id, m.twilioSid]));
  const sids: string[] = [];
  for (const event of history.events ?? []) {
    const signalled = event.workflowExecutionSignaledEventAttributes;
    const payload = signalled?.signalName === 'inboundMessage' ? signalled.input?.payloads?.[0] : null;
    // Payloads are sealed: open them with the app's codec, as the Temporal UI does through its endpoint.
    if (payload) {
      const request = defaultPayloadConverter.fromPayload<InboundRequest>((await payloadCodec(p.env).decode([payload]))[0]!);
      sids.push(sidOf.get(request.messageId) ?? 'unknown');
    }
  }
  return sids;
}

function inbound(customer: string, body: string): InboundMessage {
  return {
    messageSid: twilioMessageSid(),
    accountSid: p.tenant.accountSid,
    tenantId: p.tenant.id,
    to: p.ourNumber,
    from: customer,
    body,
    numMedia: 0,
    mediaUrls: [],
    receivedAt: new Date().toISOString(),
  };
}

describe('inbound delivery behind the webhook', () => {
  it('delivers every conversation’s messages in arrival order, conversations in parallel, re-deliveries once', { timeout: 120_000 }, async () => {
    const customers = Array.from({ length: 12 }, () => uniquePhone());
    const sent = new Map<string, string[]>(customers.map((c) => [c, []]));
    // Each customer texts 6 times in a row; the 12 customers text at the same time.
    await Promise.all(
      customers.map(async (from, i) => {
        for (let n = 0; n < 6; n++) {
          const messageSid = twilioMessageSid();
          const res = await p.sendInbound({ from, body: `Message ${n + 1} from customer ${i + 1}: is Tuesday OK?`, messageSid });
          expect(res.status).toBe(200);
          sent.get(from)!.push(messageSid);
          // Twilio re-delivers some of them.
          if (n % 3 === 0) expect((await p.sendInbound({ from, body: `Message ${n + 1} again`, messageSid })).status).toBe(200);
        }
      }),
    );

    const { Message } = p.test.db.models;
    // Stored once each, at once (the inbox shows them before any workflow ran).
    expect(await Message.count({ where: { tenantId: p.tenant.id } })).toBe(customers.length * 6 + 1);
    await waitFor(async () => (await pendingCount()) === 0, { timeoutMs: 60_000, what: 'every stored message delivered' });
    await waitFor(async () => (await Message.count({ where: { tenantId: p.tenant.id, filedAt: null } })) === 0, {
      timeoutMs: 60_000,
      what: 'every message filed',
    });
    for (const customer of customers) {
      expect(await signalledSids(customer), customer).toEqual(sent.get(customer));
    }
  });

  it('delivers a message that a crashed process stored but never signalled', { timeout: 60_000 }, async () => {
    const customer = uniquePhone();
    const message = { ...inbound(customer, 'The water heater is leaking, can someone come by?'), receivedAt: new Date(Date.now() - 60_000).toISOString() };
    // What an API process leaves behind when it dies right after answering Twilio (stored a minute ago).
    const entry = await storeInboundMessage(p.test.db, message);
    expect(entry).not.toBeNull();

    const conversation = await waitFor(async () => {
      const c = await p.conversationWith(customer);
      // Recorded conversations start as engaged; the classifier's filing is what sets the source.
      return c?.classificationSource ? c : null;
    }, { timeoutMs: 45_000, what: 'the orphaned message to be recorded and classified' });
    expect(conversation.category).toBe('engaged');
    // Marked delivered right after the signal (batched), so possibly a moment after it was classified.
    await waitFor(async () => (await p.test.db.models.Message.findByPk(entry!.messageId))?.relayPending === false, { what: 'the row marked delivered' });
  });

  it('restarts a relay thread that died, and its sweeper delivers what was stored meanwhile', { timeout: 60_000 }, async () => {
    const relay = p.app.relay;
    if (!(relay instanceof ThreadedOutboxRelay)) throw new Error('the API runs its relay on a thread');
    await relay.terminateThread();
    // Twilio keeps texting while the thread is down: the webhook still answers once the row is stored.
    const customer = uniquePhone();
    const res = await p.sendInbound({ from: customer, body: 'Is anyone there? The heat is out.', messageSid: twilioMessageSid() });
    expect(res.status).toBe(200);
    const conversation = await waitFor(async () => {
      const c = await p.conversationWith(customer);
      // Recorded conversations start as engaged; the classifier's filing is what sets the source.
      return c?.classificationSource ? c : null;
    }, { timeoutMs: 45_000, what: 'the message to be delivered by the restarted relay thread' });
    expect(conversation.needsAttention).toBe(true);
    await waitFor(async () => (await pendingCount()) === 0, { what: 'nothing left to deliver' });
  });

  it('refuses a message while Postgres is unreachable (not acknowledged, so Twilio retries it)', { timeout: 60_000 }, async () => {
    // An API process whose Postgres is gone (a closed port): nothing answers there.
    const deadDb = createDatabase('postgres://postgres@127.0.0.1:9/intellisend', { poolMax: 1 });
    const relay = new ThreadedOutboxRelay({ env: p.env, logger: p.logger });
    const announcer = new ConversationAnnouncer({ db: deadDb, onError: () => {} });
    const dispatcher = new InboundDispatcher({ db: deadDb, relay, announcer });
    await expect(dispatcher.dispatch(inbound(uniquePhone(), 'Hello?'))).rejects.toBeInstanceOf(ConnectionError);
    await deadDb.sequelize.close();
  });
});
