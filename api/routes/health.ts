import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Database } from '../../db/connection.ts';

async function check(fn: () => Promise<unknown>, timeoutMs = 2_000): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)))]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /api/health: 200 when Postgres and Temporal answer, 503 naming what is down (for people and `npm start`).
 * GET /api/health/live: 200 while the process serves HTTP at all; restart it only when this fails. Nothing
 *   outside the process counts: restarting the API cannot bring Postgres or Temporal back.
 * GET /api/health/ready: 200 while the API can accept webhooks, which needs Postgres only (a message is
 *   stored before Twilio gets its 200, and the relay hands it to Temporal once Temporal is back), so a
 *   Temporal outage does not take the API out of the load balancer. Temporal's state is reported anyway.
 */
export function healthRoutes(deps: { db: Database; temporal: Client }): Router {
  const router = Router();
  const probeDb = () => check(() => deps.db.sequelize.query('SELECT 1'));
  // A gRPC deadline instead of a race: the call and its retries end with the probe, so no retry is left
  // pending (a retry firing after the app closed its connection throws where nothing can catch it).
  const probeTemporal = (): Promise<'up' | 'down'> =>
    deps.temporal.connection
      .withDeadline(Date.now() + 2_000, () => deps.temporal.workflowService.getSystemInfo({}))
      .then(
        () => 'up',
        () => 'down',
      );
  router.get('/api/health', async (_req, res) => {
    const [db, temporal] = await Promise.all([probeDb(), probeTemporal()]);
    const ok = db === 'up' && temporal === 'up';
    res.status(ok ? 200 : 503).json({ ok, db, temporal });
  });
  router.get('/api/health/live', (_req, res) => {
    res.status(200).json({ ok: true });
  });
  router.get('/api/health/ready', async (_req, res) => {
    const [db, temporal] = await Promise.all([probeDb(), probeTemporal()]);
    const ok = db === 'up';
    res.status(ok ? 200 : 503).json({ ok, db, temporal });
  });
  return router;
}
