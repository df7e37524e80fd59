// Who may touch a tenant's settings: an admin of that very tenant. A CSR is refused (403) before the
// tenant is even looked at; an admin naming another tenant gets 404, never that tenant's data.
import type { Request } from 'express';
import { authOf, type AuthContext } from '../auth/request-auth.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';

export const settingsForbiddenMessage = 'Only an admin can see or change settings. Ask an admin of your company.';

export function tenantNotFound(): NotFoundError {
  return new NotFoundError('No such tenant.');
}

/** The session's context when `:tenantId` is its own tenant and the user is an admin; throws otherwise. */
export function authorizeSettings(req: Request): AuthContext {
  const auth = authOf(req);
  if (auth.user.role !== 'admin') throw new ForbiddenError(settingsForbiddenMessage);
  const requested = req.params.tenantId;
  if (typeof requested !== 'string' || requested.toLowerCase() !== auth.tenantId.toLowerCase()) throw tenantNotFound();
  return auth;
}
