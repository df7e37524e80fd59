// Who is asking: set by requireUser, read by routes through authOf(req). A WeakMap keyed by the request
// keeps it typed without augmenting Express's global types.
import type { Request } from 'express';
import type { UserRole } from '../../db/models/index.ts';
import { AuthenticationError } from '../errors.ts';

export interface SessionUser {
  id: string;
  email: string;
  role: UserRole;
  tenantId: string;
}

export interface AuthContext {
  user: SessionUser;
  /** The session's tenant: the only tenant any query of this request may touch. */
  tenantId: string;
  sessionId: string;
}

const contexts = new WeakMap<Request, AuthContext>();

export function setAuth(req: Request, context: AuthContext): void {
  contexts.set(req, context);
}

/** The signed-in user of a request that passed requireUser; 401 if a route forgot requireUser. */
export function authOf(req: Request): AuthContext {
  const context = contexts.get(req);
  if (!context) throw new AuthenticationError();
  return context;
}

/** The signed-in tenant of a request, if requireUser has run on it (for logs; never for authorization). */
export function tenantIdOf(req: Request): string | undefined {
  return contexts.get(req)?.tenantId;
}
