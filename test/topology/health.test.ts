// Liveness and readiness as a load balancer and an orchestrator see them: the API stays live and ready
// while Temporal is down (it still stores webhooks; the relay hands them over later) and only stops being
// ready when PostgreSQL is gone, since then it cannot take a message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/temporal-dev-server.ts';
import { uniquePhone } from '../support/factories.ts';
import { startPipeline, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline;
beforeAll(async () => {
  // Nothing listens on this port: Temporal is down for the whole file.
  p = await startPipeline({ temporalAddress: `127.0.0.1:${await freePort()}`, lazyTemporal: true, worker: false });
});
afterAll(async () => {
  await p?.close();
});

async function health(path: string) {
  const res = await fetch(`${p.baseUrl}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('health checks while Temporal is down', () => {
  it('is live and ready, says Temporal is down, and still accepts a webhook', async () => {
    expect(await health('/api/health/live')).toEqual({ status: 200, body: { ok: true } });
    expect(await health('/api/health/ready')).toEqual({ status: 200, body: { ok: true, db: 'up', temporal: 'down' } });
    // The combined check people look at names what is down.
    expect(await health('/api/health')).toEqual({ status: 503, body: { ok: false, db: 'up', temporal: 'down' } });
    const res = await p.sendInbound({ from: uniquePhone(), body: 'Is anyone there?' });
    expect(res.status).toBe(200);
  });

  it('stops being ready, but stays live, once it cannot reach PostgreSQL', async () => {
    // The API's pool gone is what an unreachable PostgreSQL looks like from inside.
    await p.test.db.sequelize.close();
    expect(await health('/api/health/ready')).toEqual({ status: 503, body: { ok: false, db: 'down', temporal: 'down' } });
    expect(await health('/api/health/live')).toEqual({ status: 200, body: { ok: true } });
  });
});
