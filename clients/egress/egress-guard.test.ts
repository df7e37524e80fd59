// The guard end to end, with listeners on 127.0.0.1 only (this machine may not send anything
// elsewhere, and a test of ours never tries): what it refuses is never connected to.
import { afterEach, describe, expect, it } from 'vitest';
import { loopbackCa, startLoopbackListener, type LoopbackListener } from '../../test/support/loopback-listener.ts';
import { EgressGuard, type Resolver } from './egress-guard.ts';
import { parseAllowedHosts, type EgressPolicy } from './egress-policy.ts';
import { EgressRefusedError } from './egress-refused-error.ts';

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function listener(options: Parameters<typeof startLoopbackListener>[0]): Promise<LoopbackListener> {
  const l = await startLoopbackListener(options);
  open.push(l);
  return l;
}

function guard(policy: EgressPolicy, resolve?: Resolver): EgressGuard {
  const g = new EgressGuard({ policy, extraCa: loopbackCa, ...(resolve ? { resolve } : {}) });
  open.push(g);
  return g;
}

const production = (hosts: string): EgressPolicy => ({ mode: 'production', allowedHosts: parseAllowedHosts(hosts) });

async function refusal(promise: Promise<unknown>): Promise<EgressRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EgressRefusedError);
  return error as EgressRefusedError;
}

describe('production policy', () => {
  it('connects to exactly a listed 127.0.0.1:<port> over https', async () => {
    const target = await listener({ tls: true, handler: (req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ path: req.url })) });
    const g = guard(production(`api.servicetitan.io,127.0.0.1:${target.port}`));
    const res = await g.fetch(`${target.url}/crm/v2/tenant/1/bookings?pageSize=1`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/crm/v2/tenant/1/bookings?pageSize=1' });
  });

  it('never connects to a loopback target that is not listed as it is', async () => {
    const target = await listener({ tls: true });
    const g = guard(production(`api.servicetitan.io,127.0.0.1:${target.port + 1}`));
    for (const url of [target.url, `https://localhost:${target.port}`, `https://[::1]:${target.port}`, `http://127.0.0.1:${target.port}`]) {
      const error = await refusal(g.fetch(url));
      expect(error.message).not.toMatch(/127\.0\.0\.1|::1|\d{4,5}/);
    }
    expect(target.connections).toBe(0);
  });

  it('does not follow a redirect, to the metadata service or anywhere', async () => {
    const second = await listener({ tls: true });
    let location = 'http://169.254.169.254/latest/meta-data/';
    const redirecting = await listener({ tls: true, handler: (_req, res) => res.writeHead(302, { location }).end() });
    const g = guard(production(`127.0.0.1:${redirecting.port},127.0.0.1:${second.port}`));
    const error = await refusal(g.fetch(`${redirecting.url}/connect/token`, { method: 'POST', body: 'grant_type=client_credentials' }));
    expect(error.refusal).toEqual({ reason: 'redirect' });
    expect(error.message).not.toContain('169.254');
    // Even to a target the policy would allow: a redirect is refused, not followed.
    location = `${second.url}/`;
    await refusal(g.fetch(`${redirecting.url}/`));
    expect(redirecting.requests).toBe(2);
    expect(second.connections).toBe(0);
  });

  it('refuses a listed name that resolves to 127.0.0.1, at connect time', async () => {
    const asked: string[] = [];
    const resolve: Resolver = async (hostname) => {
      asked.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const g = guard(production('api.servicetitan.io'), resolve);
    const error = await refusal(g.fetch('https://api.servicetitan.io/crm/v2/tenant/1/bookings'));
    expect(error.refusal).toEqual({ reason: 'address', addressKind: 'loopback' });
    expect(error.message).not.toContain('127.0.0.1');
    // The URL check resolves nothing; the socket's own lookup did, and refused what it got.
    expect(asked).toEqual(['api.servicetitan.io']);
  });

  it('looks the name up again for every new connection, so a later answer is judged too', async () => {
    const answers = [['::1'], ['127.0.0.1', '::1']];
    const resolve: Resolver = async () => (answers.shift() ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const g = guard(production('api.servicetitan.io'), resolve);
    expect((await refusal(g.fetch('https://api.servicetitan.io/'))).refusal.addressKind).toBe('loopback');
    expect((await refusal(g.fetch('https://api.servicetitan.io/'))).refusal.addressKind).toBe('loopback');
    expect(answers).toEqual([]);
  });

  it('refuses localhost, resolved by the system, when listed as a plain host', async () => {
    const g = guard(production('localhost'));
    const error = await refusal(g.fetch('https://localhost/'));
    expect(error.refusal).toEqual({ reason: 'address', addressKind: 'loopback' });
  });
});

describe('development policy', () => {
  it('allows loopback over http, for the fakes', async () => {
    const target = await listener({ tls: false });
    const g = guard({ mode: 'development', allowedHosts: [] });
    expect(await (await g.fetch(`http://localhost:${target.port}/`)).text()).toBe('ok');
    expect(await (await g.fetch(`${target.url}/`)).text()).toBe('ok');
  });

  it('refuses a loopback name that resolves elsewhere, before connecting', async () => {
    const g = guard({ mode: 'development', allowedHosts: [] }, async () => [{ address: '10.0.0.5', family: 4 }]);
    expect((await refusal(g.fetch('http://localhost:3000/'))).refusal).toEqual({ reason: 'address', addressKind: 'private' });
  });
});

describe('as a fetch', () => {
  it('sends the method, headers and body, and gives back status, headers and body', async () => {
    const target = await listener({
      tls: false,
      handler: (req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => res.writeHead(201, { 'x-seen': `${req.method} ${req.headers['content-type']} ${body}` }).end('created'));
      },
    });
    const g = guard({ mode: 'development', allowedHosts: [] });
    const res = await g.fetch(`${target.url}/x`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'héllo' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-seen')).toBe('POST text/plain héllo');
    expect(await res.text()).toBe('created');
  });

  it('gives up when the signal aborts', async () => {
    const target = await listener({ tls: false, handler: () => {} });
    const g = guard({ mode: 'development', allowedHosts: [] });
    const error = await g.fetch(`${target.url}/`, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TimeoutError' });
  });

  it('cuts off an answer larger than its limit', async () => {
    const target = await listener({ tls: false, handler: (_req, res) => res.end('x'.repeat(10_000)) });
    const g = new EgressGuard({ policy: { mode: 'development', allowedHosts: [] }, maxResponseBytes: 1_000 });
    open.push(g);
    await expect(g.fetch(`${target.url}/`)).rejects.toMatchObject({ code: 'EGRESS_RESPONSE_TOO_LARGE' });
  });
});
