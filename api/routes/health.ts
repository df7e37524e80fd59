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

/** GET /api/health: 200 when Postgres and Temporal answer, 503 naming what is down. */
export function healthRoutes(deps: { db: Database; temporal: Client }): Router {
  const router = Router();
  router.get('/api/health', async (_req, res) => {
    const [db, temporal] = await Promise.all([
      check(() => deps.db.sequelize.query('SELECT 1')),
      check(() => deps.temporal.workflowService.getSystemInfo({})),
    ]);
    const ok = db === 'up' && temporal === 'up';
    res.status(ok ? 200 : 503).json({ ok, db, temporal });
  });
  return router;
}
