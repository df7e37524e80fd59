// Session and request-forgery checks for the browser API.
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import type { Database } from '../../db/connection.ts';
import type { UserRole } from '../../db/models/index.ts';
import { AuthenticationError, ForbiddenError, UnsupportedMediaTypeError } from '../errors.ts';
import { authOf, setAuth } from './request-auth.ts';
import { findSession, sessionCookieName } from './sessions.ts';

export interface SessionCookieSettings {
  /** Secure cookies in production (HTTPS); plain http://localhost in development and tests. */
  secure: boolean;
}

export function sessionCookieOptions(settings: SessionCookieSettings, expiresAt?: Date): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: settings.secure,
    path: '/',
    signed: true,
    ...(expiresAt ? { expires: expiresAt } : {}),
  };
}

export function setSessionCookie(res: Response, settings: SessionCookieSettings, token: string, expiresAt: Date): void {
  res.cookie(sessionCookieName, token, sessionCookieOptions(settings, expiresAt));
}

export function clearSessionCookie(res: Response, settings: SessionCookieSettings): void {
  res.clearCookie(sessionCookieName, sessionCookieOptions(settings));
}

/** The session token from the signed cookie (cookie-parser with SESSION_SECRET), or null. */
export function sessionTokenOf(req: Request): string | null {
  const signed: unknown = req.signedCookies?.[sessionCookieName];
  return typeof signed === 'string' && signed.length > 0 ? signed : null;
}

/** 401 unless the request carries a live session; puts {user, tenantId} on the request (authOf). */
export function requireUser(db: Database, settings: SessionCookieSettings): RequestHandler {
  return async (req, res, next) => {
    const token = sessionTokenOf(req);
    const session = token ? await findSession(db, token) : null;
    if (!session || !token) throw new AuthenticationError();
    if (session.renewed) setSessionCookie(res, settings, token, session.expiresAt);
    setAuth(req, { user: session.user, tenantId: session.user.tenantId, sessionId: session.id });
    next();
  };
}

/** 403 unless the signed-in user has the role. Use after requireUser. */
export function requireRole(role: UserRole): RequestHandler {
  return (req, _res, next) => {
    if (authOf(req).user.role !== role) throw new ForbiddenError('Only an admin can do this.');
    next();
  };
}

const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Cross-site request forgery: the session cookie is SameSite=Lax, mutating routes take JSON only (a
 * cross-site HTML form cannot send application/json without a CORS preflight, which we never grant),
 * and an Origin header, when the browser sends one, must be our own.
 */
export function mutationGuard(publicBaseUrl: string): RequestHandler {
  const allowed = new URL(publicBaseUrl).origin;
  return (req, _res, next) => {
    if (!mutating.has(req.method)) return next();
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== allowed && origin !== `${req.protocol}://${req.host}`) {
      throw new ForbiddenError('This request came from another site.');
    }
    const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    // text/csv (contacts imports) is as safe as JSON: no cross-site form can send it without a preflight.
    // A multipart upload can come from a cross-site form, so it must carry our own Origin.
    const allowedType = type === 'application/json' || type === 'text/csv' || (type === 'multipart/form-data' && origin !== undefined);
    if ((type !== undefined || hasBody(req)) && !allowedType) throw new UnsupportedMediaTypeError();
    next();
  };
}
