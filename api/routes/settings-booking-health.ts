// GET /api/tenants/:tenantId/booking-health
import { Router } from 'express';
import { authorizeSettings } from '../settings/access.ts';
import { getBookingHealth } from '../settings/booking-health.ts';
import type { SettingsRoutesDeps } from './settings-routes.ts';

export function bookingHealthRoutes(deps: SettingsRoutesDeps): Router {
  const router = Router();
  router.get('/api/tenants/:tenantId/booking-health', async (req, res) => {
    const { tenantId } = authorizeSettings(req);
    res.json(
      await getBookingHealth(
        { db: deps.db, temporalUiUrl: deps.env.TEMPORAL_UI_URL, temporalNamespace: deps.env.TEMPORAL_NAMESPACE },
        tenantId,
      ),
    );
  });
  return router;
}
