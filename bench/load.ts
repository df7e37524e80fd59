// Open-loop load: request i is due at start + i / rate whatever happened to the earlier ones, and its
// latency is measured from that due time (not from when a socket became free), so a slow server cannot
// hide its queueing (no coordinated omission). Keep-alive sockets, loopback only, bounded in count and time.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { formEncode, inboundParams, signTwilioWebhook } from '../test/fakes/twilio/webhook-signer.ts';
import type { BenchTenant } from './stack.ts';

export interface PlannedRequest {
  sid: string;
  from: string;
  body: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  rate: number;
  durationSeconds: number;
  sent: number;
  /** ms from the due time to the end of the response, 200s only */
  latencies: number[];
  /** ms from due time, every response including errors */
  allLatencies: number[];
  ok: number;
  errors: Record<string, number>;
  errorCount: number;
  acked: Array<{ sid: string; from: string; at: number }>;
  /** Per second of the schedule (by due time): requests, p99 and max latency in ms, every response. */
  bySecond: Array<{ second: number; requests: number; p99: number; max: number }>;
  /** How late the generator itself sent requests (ms behind schedule): p99 and max. */
  sendLagP99: number;
  sendLagMax: number;
  wallSeconds: number;
}

const customerTexts = [
  'Hi, my AC stopped blowing cold air. Can someone come out this week?',
  'The water heater is leaking in the garage, do you have anything tomorrow?',
  'Furnace is making a banging noise when it starts. How soon can you come?',
  'Kitchen sink is clogged again, can a plumber stop by Friday?',
  'Our heat pump keeps short cycling. What times do you have available?',
  'Thanks! Tuesday morning works for us.',
  'Can I get a quote for a new thermostat install?',
  'The outdoor unit is iced over, is that an emergency?',
  'We are home after 3pm, please text before arriving.',
  'Breaker trips whenever the dryer runs. Need an electrician.',
];

export function customerNumbers(count: number, seed: number): string[] {
  // +1 737 then 7 digits: distinct per seed (run) and per index.
  return Array.from({ length: count }, (_, i) => `+1737${String((seed * 10_007 + i) % 10_000_000).padStart(7, '0')}`);
}

/** `texts`: what the customers write, in turn (default: a mix of service requests and replies). */
export function planWebhooks(tenant: BenchTenant, publicBaseUrl: string, customers: string[], count: number, offset = 0, texts: readonly string[] = customerTexts): PlannedRequest[] {
  const url = `${publicBaseUrl}/api/twilio/inbound`;
  const planned: PlannedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const from = customers[(offset + i) % customers.length] as string;
    const text = texts[(offset + i) % texts.length] as string;
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params = inboundParams({ to: tenant.ourNumber, from, body: text, accountSid: tenant.accountSid, messageSid: sid });
    const body = formEncode(params);
    planned.push({
      sid,
      from,
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        'x-twilio-signature': signTwilioWebhook(tenant.authToken, url, params),
        'user-agent': 'TwilioProxy/1.1',
        'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
      },
    });
  }
  return planned;
}

export interface LoadOptions {
  baseUrl: string;
  path?: string;
  rate: number;
  requests: PlannedRequest[];
  /** Per-request timeout. */
  timeoutMs?: number;
  maxSockets?: number;
}

export async function runOpenLoop(opts: LoadOptions): Promise<LoadResult> {
  const target = new URL(opts.baseUrl);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') throw new Error('load is loopback only');
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 512, maxFreeSockets: 512 });
  const path = opts.path ?? '/api/twilio/inbound';
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const total = opts.requests.length;
  const interval = 1000 / opts.rate;
  const latencies: number[] = [];
  const allLatencies: number[] = [];
  const errors: Record<string, number> = {};
  const acked: LoadResult['acked'] = [];
  const lags: number[] = [];
  const perSecond: number[][] = [];
  let done = 0;
  let ok = 0;
  const start = performance.now() + 20;
  const wallStart = Date.now();
  let resolveAll: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (resolveAll = resolve));
  const record = (due: number, latency: number) => {
    allLatencies.push(latency);
    (perSecond[Math.floor((due - start) / 1000)] ??= []).push(latency);
  };
  const fail = (kind: string, due: number) => {
    errors[kind] = (errors[kind] ?? 0) + 1;
    record(due, performance.now() - due);
    if (++done === total) resolveAll();
  };

  const fire = (i: number) => {
    const planned = opts.requests[i] as PlannedRequest;
    const due = start + i * interval;
    lags.push(performance.now() - due);
    let settled = false;
    const req = request(
      { agent, host: target.hostname, port: target.port, path, method: 'POST', headers: planned.headers, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (settled) return;
          settled = true;
          const now = performance.now();
          if (res.statusCode === 200) {
            ok++;
            latencies.push(now - due);
            record(due, now - due);
            acked.push({ sid: planned.sid, from: planned.from, at: Date.now() });
            if (++done === total) resolveAll();
          } else fail(`HTTP ${res.statusCode}`, due);
        });
        res.on('error', () => {
          if (settled) return;
          settled = true;
          fail('response error', due);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      if (settled) return;
      settled = true;
      fail(err.message === 'timeout' ? 'timeout' : `socket: ${(err as NodeJS.ErrnoException).code ?? err.message}`, due);
    });
    req.end(planned.body);
  };

  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) fire(next++);
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, Math.min(5, start + next * interval - performance.now())));
    };
    setTimeout(tick, 20);
  });
  // Bounded: whatever has not answered within the timeout has already been counted as an error.
  if (total > 0) await Promise.race([allDone, new Promise((r) => setTimeout(r, timeoutMs + 5_000))]);
  agent.destroy();
  const sortedLags = [...lags].sort((a, b) => a - b);
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0) + (total - done);
  if (total - done > 0) errors['no answer'] = total - done;
  return {
    rate: opts.rate,
    durationSeconds: total / opts.rate,
    sent: total,
    latencies,
    allLatencies,
    ok,
    errors,
    errorCount,
    acked,
    bySecond: [...perSecond.entries()].map(([second, ms]) => {
      const sorted = (ms ?? []).sort((a, b) => a - b);
      return { second, requests: sorted.length, p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
    }),
    sendLagP99: sortedLags[Math.floor(sortedLags.length * 0.99)] ?? 0,
    sendLagMax: sortedLags[sortedLags.length - 1] ?? 0,
    wallSeconds: (Date.now() - wallStart) / 1000,
  };
}
