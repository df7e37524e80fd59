// GET/POST /api/tenants/:tenantId/servicetitan-config, POST …/servicetitan-test, POST …/bookings/retry-failed.
import { json, Router } from 'express';
import { loadServiceTitanConfig } from '../../db/tenant-secrets.ts';
import { registerSecret } from '../../logging/logger.ts';
import { parseOrThrow } from '../conversations/validate.ts';
import { TooManyRequestsError, ValidationError } from '../errors.ts';
import { authorizeSettings } from '../settings/access.ts';
import { retryFailedBookings, retryFailedBookingsOrThrow, type RetryDeps } from '../settings/retry-failed-bookings.ts';
import { getServiceTitanConfig, saveServiceTitanConfig } from '../settings/servicetitan-config.ts';
import { testServiceTitanConnection, type ConnectionDeps } from '../settings/servicetitan-connection.ts';
import { resolveServiceTitanDraft, serviceTitanSaveSchema, serviceTitanTestSchema } from '../settings/servicetitan-fields.ts';
import { TestConnectionLimiter } from '../settings/test-connection-limiter.ts';
import type { SettingsRoutesDeps } from './settings-routes.ts';

export function serviceTitanSettingsRoutes(deps: SettingsRoutesDeps): Router {
  const { db, box, env, logger } = deps;
  const router = Router();
  const body = json({ limit: '16kb', strict: true });
  const connection: ConnectionDeps = {
    tokens: deps.serviceTitanTokens,
    logger,
    egress: deps.serviceTitanEgress,
    ...(deps.serviceTitanTimeoutMs ? { timeoutMs: deps.serviceTitanTimeoutMs } : {}),
  };
  const retry: RetryDeps = { db, temporal: deps.temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, logger };
  const egress = deps.serviceTitanEgress.policy;
  const testLimiter = deps.serviceTitanTestLimiter ?? new TestConnectionLimiter(db);

  router.get('/api/tenants/:tenantId/servicetitan-config', async (req, res) => {
    const { tenantId } = authorizeSettings(req);
    res.json({ config: await getServiceTitanConfig(db, tenantId) });
  });

  router.post('/api/tenants/:tenantId/servicetitan-config', body, async (req, res) => {
    const { tenantId, user } = authorizeSettings(req);
    const draft = parseOrThrow(serviceTitanSaveSchema, req.body);
    const { config, enabledAndComplete } = await saveServiceTitanConfig({ ...connection, db, box }, tenantId, draft);
    logger.info('servicetitan settings saved', { tenantId, userId: user.id, enabled: config.enabled });
    // Bookings that failed for a configuration reason get another try with the fixed configuration.
    const retried = enabledAndComplete ? await retryFailedBookings(retry, tenantId, `ServiceTitan settings saved by ${user.email}`) : { retried: 0, notReached: 0 };
    res.json({ config, retriedBookings: retried.retried });
  });

  router.post('/api/tenants/:tenantId/servicetitan-test', body, async (req, res) => {
    const { tenantId } = authorizeSettings(req);
    // Every press counts, refused ones too: the throttle is what makes probing slow.
    const verdict = await testLimiter.take(tenantId);
    if (!verdict.allowed) {
      res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
      throw new TooManyRequestsError(
        `Too many connection tests for this company in a short time. Try again in ${verdict.retryAfterSeconds} second${verdict.retryAfterSeconds === 1 ? '' : 's'}.`,
      );
    }
    const draft = parseOrThrow(serviceTitanTestSchema, req.body);
    registerSecret(draft.clientSecret);
    registerSecret(draft.appKey);
    const saved = await loadServiceTitanConfig(db, box, tenantId);
    const { values, fields } = resolveServiceTitanDraft(draft, saved, { mode: 'test', egress });
    if (Object.keys(fields).length > 0) throw new ValidationError('Fill in the highlighted fields to test the connection.', fields);
    res.json(await testServiceTitanConnection(connection, values));
  });

  router.post('/api/tenants/:tenantId/bookings/retry-failed', async (req, res) => {
    const { tenantId, user } = authorizeSettings(req);
    const { retried } = await retryFailedBookingsOrThrow(retry, tenantId, `Retry failed bookings pressed by ${user.email}`);
    res.json({ retried });
  });

  return router;
}
