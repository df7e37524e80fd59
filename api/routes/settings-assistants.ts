// GET/POST /api/tenants/:tenantId/assistants, PATCH/DELETE …/:id, POST …/:id/test (the sandbox).
import { json, Router } from 'express';
import { parseOrThrow } from '../conversations/validate.ts';
import { sandboxRequestSchema, trySandbox } from '../settings/assistant-sandbox.ts';
import {
  assistantIdOf,
  assistantPatchSchema,
  createTenantAssistant,
  deleteTenantAssistant,
  listTenantAssistants,
  newAssistantSchema,
  updateTenantAssistant,
} from '../settings/assistants.ts';
import { authorizeSettings } from '../settings/access.ts';
import type { SettingsRoutesDeps } from './settings-routes.ts';

export function assistantRoutes(deps: SettingsRoutesDeps): Router {
  const { db, logger } = deps;
  const router = Router();
  const body = json({ limit: '32kb', strict: true });
  const base = '/api/tenants/:tenantId/assistants';

  router.get(base, async (req, res) => {
    const { tenantId } = authorizeSettings(req);
    res.json({ assistants: await listTenantAssistants(db, tenantId) });
  });

  router.post(base, body, async (req, res) => {
    const { tenantId, user } = authorizeSettings(req);
    const assistant = await createTenantAssistant(db, tenantId, parseOrThrow(newAssistantSchema, req.body));
    logger.info('assistant created', { tenantId, assistantId: assistant.id, by: user.id });
    res.status(201).json({ assistant });
  });

  router.patch(`${base}/:id`, body, async (req, res) => {
    const { tenantId, user } = authorizeSettings(req);
    const id = assistantIdOf(req.params.id);
    const assistant = await updateTenantAssistant(db, tenantId, id, parseOrThrow(assistantPatchSchema, req.body));
    logger.info('assistant changed', { tenantId, assistantId: id, by: user.id });
    res.json({ assistant });
  });

  router.delete(`${base}/:id`, async (req, res) => {
    const { tenantId, user } = authorizeSettings(req);
    const id = assistantIdOf(req.params.id);
    await deleteTenantAssistant(db, tenantId, id);
    logger.info('assistant deleted', { tenantId, assistantId: id, by: user.id });
    res.status(204).end();
  });

  router.post(`${base}/:id/test`, body, async (req, res) => {
    const { tenantId } = authorizeSettings(req);
    const id = assistantIdOf(req.params.id);
    const input = parseOrThrow(sandboxRequestSchema, req.body);
    res.json(await trySandbox(deps, tenantId, id, input));
  });

  return router;
}
