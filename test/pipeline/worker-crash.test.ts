// The worker process dies (SIGKILL) while ServiceTitan is creating the booking: the booking exists at
// ServiceTitan but the worker never hears back and never writes it down. A new worker takes over and
// the conversation still ends with exactly one booking, linked to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationStateQuery } from '../../workflows/definitions.ts';
import { startChildWorker, type ChildWorker } from '../support/child-worker.ts';
import { uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline;
const workers: ChildWorker[] = [];
beforeAll(async () => {
  p = await startPipeline({ worker: false });
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  await p?.close();
});

const isCreate = (r: { method: string; path: string }) => r.method === 'POST' && r.path.endsWith('/bookings');

describe('the worker is killed in the middle of a booking', () => {
  it('a new worker finishes it with exactly one booking at ServiceTitan', { timeout: 120_000 }, async () => {
    const fake = p.fakes.serviceTitan;
    const first = await startChildWorker(p.env);
    workers.push(first);

    // ServiceTitan does each call (the booking create included) at once but answers 4 s later: the
    // window in which the worker is killed.
    fake.latencyMs = 4_000;
    const customer = uniquePhone();
    const res = await p.sendInbound({ from: customer, body: 'Our water heater is leaking, could someone come out tomorrow?' });
    expect(res.status).toBe(200);

    await waitFor(
      async () => fake.requests.some((r) => isCreate(r) && r.status === 200 && !r.answered) && fake.bookings(p.serviceTitan.tenantId).length === 1,
      { timeoutMs: 30_000, intervalMs: 25, what: 'the booking create to be in flight' },
    );
    await first.kill();
    fake.latencyMs = 0;
    const conversation = await p.conversationWith(customer);
    expect(conversation?.serviceTitanBookingId).toBeNull();

    const killedAt = Date.now();
    const second = await startChildWorker(p.env);
    workers.push(second);
    const booked = await waitFor(
      async () => {
        const c = await p.conversationWith(customer);
        return c?.serviceTitanBookingId && c.bookingStatus === 'created' ? c : null;
      },
      { timeoutMs: 90_000, intervalMs: 200, what: `the booking to be linked after the crash\n${second.output()}` },
    );
    console.info(`booking linked ${Date.now() - killedAt} ms after the worker was killed`);

    const bookings = fake.bookings(p.serviceTitan.tenantId);
    expect(bookings).toHaveLength(1);
    expect(String(bookings[0]!.booking.id)).toBe(booked.serviceTitanBookingId);
    expect(bookings[0]!.body.externalId).toBe(`intellisend-conversation-${booked.id}-episode-1`);
    expect(fake.requests.filter(isCreate)).toHaveLength(1);
    expect(booked.needsAttention).toBe(true);
    const state = await (await p.workflowFor(customer)).query(conversationStateQuery);
    expect(state).toMatchObject({ bookingStatus: 'created', bookingInFlight: false });
    await second.stop();
  });
});
