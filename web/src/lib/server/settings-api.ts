// What every settings section's server code shares: admins only, the tenant's API base path, and the
// API's refusals as a form shows them.
import { error } from '@sveltejs/kit';
import type { FieldErrors } from '#lib/settings/settings-types.ts';
import { ApiError } from './api.ts';

export const forbidden = 'Settings are for admins. Ask an admin of your company to change them.';

/** `/api/tenants/<id>` of the signed-in admin; 403 for anyone else. */
export function tenantBase(locals: App.Locals): string {
  if (locals.user?.role !== 'admin') error(403, forbidden);
  return `/api/tenants/${encodeURIComponent(locals.user.tenantId)}`;
}

/** The API's refusal as the page shows it: its message and, for a 400, its field messages. */
export function refusal(err: unknown, fallback: string): { status: number; error: string; fields: FieldErrors } {
  if (err instanceof ApiError) {
    const body = (err.body ?? {}) as { fields?: unknown };
    const fields = body.fields && typeof body.fields === 'object' ? (body.fields as FieldErrors) : {};
    return { status: err.status >= 500 ? 502 : err.status, error: err.message || fallback, fields };
  }
  return { status: 502, error: fallback, fields: {} };
}
