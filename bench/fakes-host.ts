// The fake ServiceTitan, OpenAI and Twilio in a child process of their own, so neither the load generator
// nor the API shares an event loop with them. Driven over IPC by bench/processes.ts:
//   → { id, op: 'addServiceTitanTenant', init } | { id, op: 'setLatency', openaiMs, serviceTitanMs } | { id, op: 'stats' }
//     | { id, op: 'addTwilioAccount', accountSid, authToken } | { id, op: 'setTwilio', latencyMs, statusCallbacks }
//     | { id, op: 'twilioSends', accountSid, window? } | { id, op: 'twilioSendsByTo', accountSid }
//     | { id, op: 'seedAssistantData', tenantId, timeZone }
//   ← { id, ok: true, result } ; first message: { type: 'ready', urls }
// The fake Twilio's messages are folded into per-account tallies (count per recipient, time and sender of
// each send) every 2 s, so a 100,000-message campaign does not pile up in the fakes' memory (the app never
// fetches a message back from Twilio).
import { startFakeOpenAI } from '../test/fakes/openai/index.ts';
import { seedAssistantData, startFakeServiceTitan, type FakeTenantInit } from '../test/fakes/servicetitan/index.ts';
import { startFakeTwilio } from '../test/fakes/twilio/index.ts';
import { loopbackTls } from '../test/support/loopback-listener.ts';

export interface FakeUrls {
  serviceTitan: string;
  serviceTitanAuth: string;
  serviceTitanAppKey: string;
  openai: string;
  openaiKey: string;
  twilio: string;
}

export type FakesRequest =
  | { id: number; op: 'addServiceTitanTenant'; init: FakeTenantInit }
  | { id: number; op: 'setLatency'; openaiMs: number; serviceTitanMs: number }
  | { id: number; op: 'stats' }
  | { id: number; op: 'addTwilioAccount'; accountSid: string; authToken: string }
  /** statusCallbacks false: statuses still advance at the fake, but nothing is posted to the app. */
  | { id: number; op: 'setTwilio'; latencyMs: number; statusCallbacks: boolean }
  | { id: number; op: 'twilioSends'; accountSid: string; window?: { fromMs: number; toMs: number } }
  /** Per recipient: how many texts and when the last was created (Date.now()). */
  | { id: number; op: 'twilioSendsByTo'; accountSid: string }
  /** Customers, a scheduled job, technicians and open capacity for the assistant's tools (test/fakes/servicetitan/assistant-seed.ts). */
  | { id: number; op: 'seedAssistantData'; tenantId: string; timeZone: string };

/** What one recipient received from an account: texts, and when the last one was created. */
export type TwilioSendsByTo = Record<string, { count: number; lastAt: number }>;

/** What an account's messages at the fake Twilio add up to: what the customers' phones received. */
export interface TwilioSendStats {
  total: number;
  /** Recipients (To) texted at least once. */
  distinctTo: number;
  /** Recipients texted more than once. */
  repeatedTo: number;
  maxPerTo: number;
  /** Date.now() of the first and last message created. */
  firstAt: number | null;
  lastAt: number | null;
  /** Messages created in [fromMs, toMs), in all and per sending number (every number seen so far, 0 included). */
  window: { fromMs: number; toMs: number; count: number; perFrom: Record<string, number> } | null;
}

interface AccountSends {
  byTo: Map<string, number>;
  lastAtByTo: Map<string, number>;
  times: number[];
  /** Index into `froms` per message, parallel to `times`. */
  fromOf: number[];
  froms: string[];
}

export function createTwilioTally() {
  const accounts = new Map<string, AccountSends>();
  const account = (sid: string): AccountSends => {
    let a = accounts.get(sid);
    if (!a) accounts.set(sid, (a = { byTo: new Map(), lastAtByTo: new Map(), times: [], fromOf: [], froms: [] }));
    return a;
  };
  return {
    add(m: { accountSid: string; to: string; from: string; dateCreated: Date }): void {
      const a = account(m.accountSid);
      a.byTo.set(m.to, (a.byTo.get(m.to) ?? 0) + 1);
      a.lastAtByTo.set(m.to, Math.max(a.lastAtByTo.get(m.to) ?? 0, m.dateCreated.getTime()));
      let from = a.froms.indexOf(m.from);
      if (from < 0) from = a.froms.push(m.from) - 1;
      a.times.push(m.dateCreated.getTime());
      a.fromOf.push(from);
    },
    byTo(sid: string): TwilioSendsByTo {
      const a = account(sid);
      return Object.fromEntries([...a.byTo].map(([to, count]) => [to, { count, lastAt: a.lastAtByTo.get(to) ?? 0 }]));
    },
    stats(sid: string, window?: { fromMs: number; toMs: number }): TwilioSendStats {
      const a = account(sid);
      let repeatedTo = 0;
      let maxPerTo = 0;
      for (const n of a.byTo.values()) {
        if (n > 1) repeatedTo++;
        if (n > maxPerTo) maxPerTo = n;
      }
      let inWindow: TwilioSendStats['window'] = null;
      if (window) {
        const perFrom: Record<string, number> = Object.fromEntries(a.froms.map((f) => [f, 0]));
        let count = 0;
        a.times.forEach((t, i) => {
          if (t < window.fromMs || t >= window.toMs) return;
          count++;
          const from = a.froms[a.fromOf[i] ?? -1];
          if (from !== undefined) perFrom[from] = (perFrom[from] ?? 0) + 1;
        });
        inWindow = { ...window, count, perFrom };
      }
      return {
        total: a.times.length,
        distinctTo: a.byTo.size,
        repeatedTo,
        maxPerTo,
        // In creation order: the fake appends each message as it accepts it.
        firstAt: a.times[0] ?? null,
        lastAt: a.times[a.times.length - 1] ?? null,
        window: inWindow,
      };
    },
  };
}

export interface FakesStats {
  bookings: number;
  serviceTitanRequests: number;
  openaiCalls: number;
}

if (import.meta.main) {
  const openaiKey = process.argv[2] ?? 'bench-openai-key';
  const [serviceTitan, openai, twilio] = await Promise.all([
    // Over HTTPS, as ServiceTitan is: the stack runs in production mode, whose egress policy allows https only.
    startFakeServiceTitan({ tls: loopbackTls }),
    startFakeOpenAI({ apiKey: openaiKey }),
    startFakeTwilio(),
  ]);
  const send = (m: unknown) => process.send?.(m);
  // The fakes log every request for tests; a benchmark would only accumulate them.
  let openaiCalls = 0;
  let serviceTitanRequests = 0;
  const trim = setInterval(() => {
    openaiCalls += openai.callCount;
    serviceTitanRequests += serviceTitan.state.requests.length;
    serviceTitan.state.requests.length = 0;
    openai.requests.length = 0;
  }, 5_000);
  const tally = createTwilioTally();
  const foldTwilio = () => {
    for (const m of twilio.messages) tally.add(m);
    twilio.messages.length = 0;
    twilio.callbacks.length = 0;
  };
  const fold = setInterval(foldTwilio, 2_000);
  process.on('message', (raw) => {
    const req = raw as FakesRequest;
    let result: unknown = null;
    if (req.op === 'addServiceTitanTenant') serviceTitan.addTenant(req.init);
    else if (req.op === 'setLatency') {
      openai.latencyMs = req.openaiMs;
      serviceTitan.latencyMs = req.serviceTitanMs;
    } else if (req.op === 'stats') {
      result = {
        bookings: serviceTitan.state.bookings.length,
        serviceTitanRequests: serviceTitanRequests + serviceTitan.state.requests.length,
        openaiCalls: openaiCalls + openai.callCount,
      } satisfies FakesStats;
    } else if (req.op === 'addTwilioAccount') twilio.addAccount(req.accountSid, req.authToken);
    else if (req.op === 'setTwilio') {
      twilio.latencyMs = req.latencyMs;
      twilio.statusCallbacks = req.statusCallbacks ? {} : 'off';
    } else if (req.op === 'twilioSends') {
      foldTwilio();
      result = tally.stats(req.accountSid, req.window);
    } else if (req.op === 'twilioSendsByTo') {
      foldTwilio();
      result = tally.byTo(req.accountSid);
    } else if (req.op === 'seedAssistantData') seedAssistantData(serviceTitan, { tenantId: req.tenantId, timeZone: req.timeZone });
    send({ id: req.id, ok: true, result });
  });
  const stop = async () => {
    clearInterval(trim);
    clearInterval(fold);
    await Promise.allSettled([serviceTitan.close(), openai.close(), twilio.close()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('disconnect', () => void stop());
  send({
    type: 'ready',
    urls: {
      serviceTitan: serviceTitan.url,
      serviceTitanAuth: serviceTitan.authUrl,
      serviceTitanAppKey: serviceTitan.appKey,
      openai: openai.url,
      openaiKey,
      twilio: twilio.url,
    } satisfies FakeUrls,
  });
}
