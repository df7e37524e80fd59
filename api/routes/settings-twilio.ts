// GET/POST /api/tenants/:tenantId/twilio-settings
import { json, Router } from 'express';
import { parseOrThrow } from '../conversations/validate.ts';
import { authorizeSettings } from '../settings/access.ts';
import { getTwilioSettings, saveTwilioSettings, twilioSettingsSchema } from '../settings/twilio-settings.ts';
import type { SettingsRoutesDeps } from './settings-routes.ts';

export function twilioSettingsRoutes(deps: SettingsRoutesDeps): Router {
  const { db, box, env } = deps;
  const router = Router();
  const body = json({ limit: '8kb', strict: true });
  const publicBaseUrl = env.PUBLIC_BASE_URL;

  router.get('/api/tenants/:tenantId/twilio-settings', async (req, res) => {
    const { tenantId } = authorizeSettings(req);
    res.json(await getTwilioSettings(db, tenantId, publicBaseUrl));
  });

  router.post('/api/tenants/:tenantId/twilio-settings', body, async (req, res) => {
    const { tenantId, user } = authorizeSettings(req);
    const input = parseOrThrow(twilioSettingsSchema, req.body);
    const view = await saveTwilioSettings({ db, box, publicBaseUrl, credentialsChanged: deps.twilioCredentialsChanged }, tenantId, input);
    deps.logger.info('twilio settings saved', { tenantId, userId: user.id });
    res.json(view);
  });

  return router;
}
