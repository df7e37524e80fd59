// The fake ServiceTitan, OpenAI and Twilio in a child process of their own, so neither the load generator
// nor the API shares an event loop with them. Driven over IPC by bench/processes.ts:
//   → { id, op: 'addServiceTitanTenant', init } | { id, op: 'setLatency', openaiMs, serviceTitanMs } | { id, op: 'stats' }
//   ← { id, ok: true, result } ; first message: { type: 'ready', urls }
import { startFakeOpenAI } from '../test/fakes/openai/index.ts';
import { startFakeServiceTitan, type FakeTenantInit } from '../test/fakes/servicetitan/index.ts';
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
  | { id: number; op: 'stats' };

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
    }
    send({ id: req.id, ok: true, result });
  });
  const stop = async () => {
    clearInterval(trim);
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
