// GET/POST /api/tenants/:tenantId/users, PATCH/DELETE /api/tenants/:tenantId/users/:id
import { json, Router } from 'express';
import { parseOrThrow } from '../conversations/validate.ts';
import { authorizeSettings } from '../settings/access.ts';
import { addUser, changeRole, listUsers, newUserSchema, removeUser, roleChangeSchema, userIdOf } from '../settings/users.ts';
import type { SettingsRoutesDeps } from './settings-routes.ts';

export function userRoutes(deps: SettingsRoutesDeps): Router {
  const { db, logger } = deps;
  const router = Router();
  const body = json({ limit: '8kb', strict: true });

  router.get('/api/tenants/:tenantId/users', async (req, res) => {
    const { tenantId } = authorizeSettings(req);
    res.json({ users: await listUsers(db, tenantId) });
  });

  router.post('/api/tenants/:tenantId/users', body, async (req, res) => {
    const { tenantId, user: actor } = authorizeSettings(req);
    const input = parseOrThrow(newUserSchema, req.body);
    const user = await addUser(db, tenantId, input);
    logger.info('user added', { tenantId, userId: user.id, role: user.role, by: actor.id });
    res.status(201).json({ user });
  });

  router.patch('/api/tenants/:tenantId/users/:id', body, async (req, res) => {
    const { user: actor } = authorizeSettings(req);
    const id = userIdOf(req.params.id);
    const { role } = parseOrThrow(roleChangeSchema, req.body);
    const user = await changeRole(db, actor, id, role);
    logger.info('user role changed', { tenantId: actor.tenantId, userId: id, role, by: actor.id });
    res.json({ user });
  });

  router.delete('/api/tenants/:tenantId/users/:id', async (req, res) => {
    const { user: actor } = authorizeSettings(req);
    const id = userIdOf(req.params.id);
    await removeUser(db, actor, id);
    logger.info('user removed', { tenantId: actor.tenantId, userId: id, by: actor.id });
    res.status(204).end();
  });

  return router;
}
