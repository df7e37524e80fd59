// Determinism. A real conversation (a booking that fails and is retried, HELP, a CSR reply, a
// correction, STOP, then resolved so the run completes) is run through the workflow and its history
// replayed against the workflow bundle; and the recorded history of the current version
// (fixtures/conversation-history.json) is replayed too, so a change that would break the runs already
// in flight fails CI. Nothing has run in production yet, so there is one version; from the first release
// on, a change ships behind patched() and keeps the fixture it was recorded with (see the README).
//
// Record the fixture deliberately: `node test/pipeline/record-history.ts`.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signalConversation } from '../../api/temporal/signal-conversation.ts';
import { dataConverter } from '../../temporal/data-converter.ts';
import {
  categoryCorrectedSignal,
  conversationChangedSignal,
  conversationStateQuery,
  outboundMessageSignal,
  retryBookingSignal,
} from '../../workflows/definitions.ts';
import { historyFromJson, historyToJson } from '../support/history-json.ts';
import { twilioMessageSid, uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixturePath = join(fixturesDir, 'conversation-history.json');
/** Set by record-history.ts: the live run's history is written to the fixture. */
const recording = process.env.RECORD_CONVERSATION_HISTORY === '1';

/**
 * The payload codec is on, as in production. The live run seals its payloads under a fixed test-only key,
 * so a history recorded from it stays replayable as a fixture; fixtures recorded before the codec are
 * plain JSON payloads, which the codec reads as they are.
 */
const fixturePayloadKeys = 'replay-fixture-1:LA0mVkid+hh+czLmVnTyTBIssbrbtahg3ND8mg2R2nI=';
const replayOptions = () => ({
  workflowBundle: { codePath: inject('workflowBundlePath') },
  dataConverter: dataConverter({ ENCRYPTION_KEY: randomBytes(32).toString('base64'), TEMPORAL_PAYLOAD_KEYS: fixturePayloadKeys }),
});

describe('the conversation workflow replays deterministically', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ temporalPayloadKeys: fixturePayloadKeys });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('replays the history of a conversation that went through every kind of work', { timeout: 90_000 }, async () => {
    const { models } = p.test.db;
    const customer = uniquePhone();
    const target = { temporal: p.temporal, taskQueue: p.env.TEMPORAL_TASK_QUEUE };
    const conversation = async () => (await p.conversationWith(customer))!;

    // 1. An engaged message whose booking ServiceTitan rejects (a configuration problem: no retries).
    p.fakes.serviceTitan.setBookingsFailWith(400);
    await p.sendInbound({ from: customer, body: 'Hi, the furnace is making a banging noise. Can someone come Thursday?', messageSid: twilioMessageSid() });
    const handle = await p.workflowFor(customer);
    const address = { tenantId: p.tenant.id, conversationId: (await conversation()).id };
    const idle = () =>
      waitFor(async () => (await handle.query(conversationStateQuery)).queued === 0, { what: 'the workflow to drain its queue' });
    await waitFor(async () => (await p.conversationWith(customer))?.bookingStatus === 'failed', { what: 'the booking to fail' });
    await waitFor(async () => (await handle.query(conversationStateQuery)).bookingStatus === 'failed', { what: 'the workflow to give up' });

    // 2. The admin fixed it and retries; ServiceTitan is briefly unavailable (503), then it is booked.
    p.fakes.serviceTitan.setBookingsFailWith(null);
    p.fakes.serviceTitan.faults.next(['503'], 'create');
    await signalConversation(target, address, retryBookingSignal, [{ reason: 'replay test: configuration fixed' }]);
    const booked = await waitFor(async () => {
      const c = await conversation();
      return c.serviceTitanBookingId ? c : null;
    }, { what: 'the retried booking' });
    expect(booked.bookingAttempts).toBe(3);

    // 3. HELP: the help text goes out.
    await p.sendInbound({ from: customer, body: 'HELP', messageSid: twilioMessageSid() });
    await waitFor(async () => p.fakes.twilio.messages.some((m) => m.to === customer), { what: 'the HELP reply to be sent' });

    // 4. A CSR replies from the inbox (the row is written first, then the workflow is signalled).
    const reply = await models.Message.create({
      tenantId: p.tenant.id,
      conversationId: booked.id,
      direction: 'outbound',
      body: 'Thursday 9–11am works. See you then!',
      status: 'queued',
    });
    await signalConversation(target, address, outboundMessageSignal, [{ messageId: reply.id }]);
    await waitFor(async () => (await models.Message.findByPk(reply.id))?.twilioSid, { what: 'the CSR reply to be sent' });

    // 5. A person re-files it as a complaint; 6. the customer opts out.
    await signalConversation(target, address, categoryCorrectedSignal, [{ category: 'complaint', booking: 'keep' }]);
    await idle();
    await p.sendInbound({ from: customer, body: 'STOP', messageSid: twilioMessageSid() });
    await waitFor(async () => (await conversation()).category === 'opt_out', { what: 'the opt-out' });
    await idle();
    const state = await handle.query(conversationStateQuery);
    expect(state).toMatchObject({ category: 'opt_out', bookingStatus: 'created' });
    expect(p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId)).toHaveLength(1);

    // 7. A person resolves it: the run completes.
    await models.Conversation.update({ status: 'resolved' }, { where: { id: address.conversationId } });
    await signalConversation(target, address, conversationChangedSignal, [{ change: 'resolved' }]);
    await waitFor(async () => (await handle.describe()).status.name === 'COMPLETED', { what: 'the run to complete' });

    const history = await handle.fetchHistory();
    const types = new Set(history.events?.map((e) => String(e.eventType)));
    expect(types.size).toBeGreaterThan(8);
    await Worker.runReplayHistory(replayOptions(), history, handle.workflowId);

    if (recording) {
      mkdirSync(dirname(fixturePath), { recursive: true });
      writeFileSync(fixturePath, historyToJson(history) + '\n');
    }
  });
});

describe('the recorded conversation histories still replay', () => {
  const fixtures = existsSync(fixturesDir) ? readdirSync(fixturesDir).filter((f) => f.endsWith('.json')).sort() : [];
  it('has the fixture of the current (only) version', () => {
    expect(fixtures).toEqual(['conversation-history.json']);
  });
  it.each(fixtures)('replays fixtures/%s against the current workflow code', { timeout: 60_000 }, async (name) => {
    const history = historyFromJson(readFileSync(join(fixturesDir, name), 'utf8'));
    expect(history.events?.length).toBeGreaterThan(20);
    await Worker.runReplayHistory(replayOptions(), history, `conversation-history-fixture-${name}`);
  });
});
