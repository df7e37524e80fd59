import { error, fail } from '@sveltejs/kit';
import type { BookingHealth, FieldErrors, RetryFailedBookings, ServiceTitanConfig, TenantUser, TwilioSettings } from '#lib/settings/settings-types.ts';
import { ApiError, apiLoad, apiRequest } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

const forbidden = 'Settings are for admins. Ask an admin of your company to change them.';

export const load: PageServerLoad = async ({ locals, fetch }) => {
  if (locals.user?.role !== 'admin') error(403, forbidden);
  const base = `/api/tenants/${encodeURIComponent(locals.user.tenantId)}`;
  const [serviceTitan, twilio, health, users] = await Promise.all([
    apiLoad<{ config: ServiceTitanConfig | null }>(fetch, `${base}/servicetitan-config`),
    apiLoad<TwilioSettings>(fetch, `${base}/twilio-settings`),
    apiLoad<BookingHealth>(fetch, `${base}/booking-health`),
    apiLoad<{ users: TenantUser[] }>(fetch, `${base}/users`),
  ]);
  return { config: serviceTitan.config, twilio, health, users: users.users, me: locals.user };
};

/** The API's refusal as the page shows it: its message and, for a 400, its field messages. */
function refusal(err: unknown, fallback: string): { status: number; error: string; fields: FieldErrors } {
  if (err instanceof ApiError) {
    const body = (err.body ?? {}) as { fields?: unknown };
    const fields = body.fields && typeof body.fields === 'object' ? (body.fields as FieldErrors) : {};
    return { status: err.status >= 500 ? 502 : err.status, error: err.message || fallback, fields };
  }
  return { status: 502, error: fallback, fields: {} };
}

function tenantBase(locals: App.Locals): string {
  if (locals.user?.role !== 'admin') error(403, forbidden);
  return `/api/tenants/${encodeURIComponent(locals.user.tenantId)}`;
}

const serviceTitanFields = [
  'environment',
  'tenantApiBaseUrl',
  'authUrl',
  'serviceTitanTenantId',
  'clientId',
  'clientSecret',
  'appKey',
  'bookingProvider',
  'bookingSourceLabel',
  'complaintPriority',
  'businessUnitId',
  'jobTypeId',
  'campaignId',
] as const;

/** The form as the API takes it. Blank secrets are left out: the saved ones are kept. */
function serviceTitanBody(form: FormData): Record<string, string> {
  const body: Record<string, string> = {};
  for (const name of serviceTitanFields) {
    const value = String(form.get(name) ?? '');
    if ((name === 'clientSecret' || name === 'appKey') && value.trim() === '') continue;
    body[name] = value;
  }
  return body;
}

export const actions: Actions = {
  saveServiceTitan: async ({ request, fetch, locals }) => {
    const base = tenantBase(locals);
    const form = await request.formData();
    const body = { ...serviceTitanBody(form), enabled: form.get('enabled') === 'on' };
    try {
      const saved = await apiRequest<{ config: ServiceTitanConfig; retriedBookings: number }>(fetch, `${base}/servicetitan-config`, {
        method: 'POST',
        json: body,
      });
      return { action: 'servicetitan-save' as const, saved: true, config: saved.config, retriedBookings: saved.retriedBookings };
    } catch (err) {
      const { status, error: message, fields } = refusal(err, 'The settings could not be saved. Try again.');
      return fail(status, { action: 'servicetitan-save' as const, error: message, fields });
    }
  },

  testServiceTitan: async ({ request, fetch, locals }) => {
    const base = tenantBase(locals);
    const body = serviceTitanBody(await request.formData());
    try {
      const outcome = await apiRequest<{ ok: boolean; error?: string; bookingProviderId?: string }>(fetch, `${base}/servicetitan-test`, {
        method: 'POST',
        json: body,
      });
      return outcome.ok
        ? { action: 'servicetitan-test' as const, ok: true, bookingProviderId: outcome.bookingProviderId ?? null }
        : { action: 'servicetitan-test' as const, ok: false, error: outcome.error ?? 'The connection failed.' };
    } catch (err) {
      const { status, error: message, fields } = refusal(err, 'The connection could not be tested. Try again.');
      return fail(status, { action: 'servicetitan-test' as const, ok: false, error: message, fields });
    }
  },

  saveTwilio: async ({ request, fetch, locals }) => {
    const base = tenantBase(locals);
    const form = await request.formData();
    const body = {
      accountSid: String(form.get('accountSid') ?? ''),
      authToken: String(form.get('authToken') ?? ''),
      helpReply: String(form.get('helpReply') ?? ''),
    };
    try {
      await apiRequest(fetch, `${base}/twilio-settings`, { method: 'POST', json: body });
      return { action: 'twilio' as const, saved: true };
    } catch (err) {
      const { status, error: message, fields } = refusal(err, 'The Twilio settings could not be saved. Try again.');
      return fail(status, { action: 'twilio' as const, error: message, fields });
    }
  },

  retryFailed: async ({ fetch, locals }) => {
    const base = tenantBase(locals);
    try {
      const outcome = await apiRequest<RetryFailedBookings>(fetch, `${base}/bookings/retry-failed`, { method: 'POST' });
      return { action: 'retry' as const, outcome };
    } catch (err) {
      const { status, error: message } = refusal(err, 'The bookings could not be retried. Try again.');
      return fail(status, { action: 'retry' as const, error: message });
    }
  },

  addUser: async ({ request, fetch, locals }) => {
    const base = tenantBase(locals);
    const form = await request.formData();
    const email = String(form.get('email') ?? '');
    const role = String(form.get('role') ?? 'csr');
    try {
      await apiRequest(fetch, `${base}/users`, { method: 'POST', json: { email, password: String(form.get('password') ?? ''), role } });
      return { action: 'user-add' as const, added: email.trim().toLowerCase() };
    } catch (err) {
      const { status, error: message, fields } = refusal(err, 'The user could not be added. Try again.');
      return fail(status, { action: 'user-add' as const, error: message, fields, email, role });
    }
  },

  changeRole: async ({ request, fetch, locals }) => {
    const base = tenantBase(locals);
    const form = await request.formData();
    const id = String(form.get('id') ?? '');
    try {
      await apiRequest(fetch, `${base}/users/${encodeURIComponent(id)}`, { method: 'PATCH', json: { role: String(form.get('role') ?? '') } });
      return { action: 'user-role' as const, id, saved: true };
    } catch (err) {
      const { status, error: message } = refusal(err, 'The role could not be changed. Try again.');
      return fail(status, { action: 'user-role' as const, id, error: message });
    }
  },

  removeUser: async ({ request, fetch, locals }) => {
    const base = tenantBase(locals);
    const id = String((await request.formData()).get('id') ?? '');
    try {
      await apiRequest(fetch, `${base}/users/${encodeURIComponent(id)}`, { method: 'DELETE' });
      return { action: 'user-remove' as const, id, removed: true };
    } catch (err) {
      const { status, error: message } = refusal(err, 'The user could not be removed. Try again.');
      return fail(status, { action: 'user-remove' as const, id, error: message });
    }
  },
};
