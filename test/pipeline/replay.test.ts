// Determinism. A real conversation (a booking that fails and is retried, HELP, a CSR reply, a
// correction, STOP) is run through the workflow and its history replayed against the workflow bundle;
// and the histories recorded by earlier versions (fixtures/*.json) are replayed too, so a change to
// the workflow that would break the conversations already running in production fails CI:
//   conversation-history.json                task-queue activities for every step (before `local-activity-steps`)
//   conversation-history-local-steps.json    local activities, the first booking try its own (before `file-and-book`)
//   conversation-history-file-and-book.json  the current version: the first booking try rides in the filing
//
// Record the current version's fixture deliberately, after a change shipped behind `patched()`:
// `node test/pipeline/record-history.ts` (keep the older fixtures: they are the runs still in flight).
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
  conversationStateQuery,
  conversationWorkflowId,
  outboundMessageSignal,
  retryBookingSignal,
} from '../../workflows/definitions.ts';
import { historyFromJson, historyToJson } from '../support/history-json.ts';
import { twilioMessageSid, uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixturePath = join(fixturesDir, 'conversation-history-file-and-book.json');
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
    const address = { tenantId: p.tenant.id, ourNumber: p.ourNumber, customerNumber: customer };
    const target = { temporal: p.temporal, taskQueue: p.env.TEMPORAL_TASK_QUEUE };
    const handle = p.temporal.workflow.getHandle(conversationWorkflowId(p.tenant.id, p.ourNumber, customer));
    const conversation = async () => (await p.conversationWith(customer))!;
    const idle = () =>
      waitFor(async () => (await handle.query(conversationStateQuery)).queued === 0, { what: 'the workflow to drain its queue' });

    // 1. An engaged message whose booking ServiceTitan rejects (a configuration problem: no retries).
    p.fakes.serviceTitan.setBookingsFailWith(400);
    await p.sendInbound({ from: customer, body: 'Hi, the furnace is making a banging noise. Can someone come Thursday?', messageSid: twilioMessageSid() });
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
    await signalConversation(target, address, categoryCorrectedSignal, [{ category: 'complaint' }]);
    await idle();
    await p.sendInbound({ from: customer, body: 'STOP', messageSid: twilioMessageSid() });
    await waitFor(async () => (await conversation()).category === 'opt_out', { what: 'the opt-out' });
    await idle();
    const state = await handle.query(conversationStateQuery);
    expect(state).toMatchObject({ category: 'opt_out', bookingStatus: 'created', bookingId: booked.serviceTitanBookingId });
    expect(p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId)).toHaveLength(1);

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
  it('has a fixture for the current version and for each earlier one', () => {
    expect(fixtures).toEqual([
      'conversation-history-file-and-book.json',
      'conversation-history-local-steps.json',
      'conversation-history.json',
    ]);
  });
  it.each(fixtures)('replays fixtures/%s against the current workflow code', { timeout: 60_000 }, async (name) => {
    const history = historyFromJson(readFileSync(join(fixturesDir, name), 'utf8'));
    expect(history.events?.length).toBeGreaterThan(20);
    await Worker.runReplayHistory(replayOptions(), history, `conversation-history-fixture-${name}`);
  });
});
