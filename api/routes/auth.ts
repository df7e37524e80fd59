// Sign-in, sign-out, and who am I.
import { json, Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Database } from '../../db/connection.ts';
import { normalizeEmail } from '../../db/models/index.ts';
import { checkCredentials } from '../auth/login.ts';
import type { LoginRateLimiter } from '../auth/login-rate-limiter.ts';
import { clearSessionCookie, sessionTokenOf, setSessionCookie, type SessionCookieSettings } from '../auth/middleware.ts';
import { authOf, type SessionUser } from '../auth/request-auth.ts';
import { createSession, deleteSession } from '../auth/sessions.ts';
import { AuthenticationError, TooManyRequestsError, ValidationError } from '../errors.ts';

export interface AuthRoutesDeps {
  db: Database;
  cookies: SessionCookieSettings;
  rateLimiter: LoginRateLimiter;
  requireUser: RequestHandler;
  mutationGuard: RequestHandler;
}

const loginSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

async function tenantOf(db: Database, user: SessionUser) {
  const tenant = await db.models.Tenant.findByPk(user.tenantId, { attributes: ['id', 'name'] });
  return tenant ? { id: tenant.id, name: tenant.name } : null;
}

export function authRoutes(deps: AuthRoutesDeps): Router {
  const { db } = deps;
  const router = Router();
  const body = json({ limit: '8kb', strict: true });
  router.use('/api/auth', deps.mutationGuard);

  router.post('/api/auth/login', body, async (req, res) => {
    const parsed = loginSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Enter your email and password.', { email: 'required', password: 'required' });
    const email = normalizeEmail(parsed.data.email);
    const ip = req.ip ?? 'unknown';
    const verdict = await deps.rateLimiter.check(ip, email);
    if (!verdict.allowed) {
      const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
      res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
      throw new TooManyRequestsError(
        `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      );
    }
    const user = await checkCredentials(db, email, parsed.data.password);
    if (!user) {
      await deps.rateLimiter.recordFailure(ip, email);
      throw new AuthenticationError('That email and password do not match an account.');
    }
    await deps.rateLimiter.recordSuccess(ip, email);
    const session = await createSession(db, user.id);
    setSessionCookie(res, deps.cookies, session.token, session.expiresAt);
    res.json({ user, tenant: await tenantOf(db, user) });
  });

  router.post('/api/auth/logout', async (req, res) => {
    const token = sessionTokenOf(req);
    if (token) await deleteSession(db, token);
    clearSessionCookie(res, deps.cookies);
    res.json({ ok: true });
  });

  router.get('/api/auth/me', deps.requireUser, async (req, res) => {
    const { user } = authOf(req);
    res.json({ user, tenant: await tenantOf(db, user) });
  });

  return router;
}
