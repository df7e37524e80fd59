import { fail } from '@sveltejs/kit';
import type { ServiceTitanConfig } from '#lib/settings/settings-types.ts';
import { apiLoad, apiRequest } from '#lib/server/api.ts';
import { refusal, tenantBase } from '#lib/server/settings-api.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch }) => {
  const { config } = await apiLoad<{ config: ServiceTitanConfig | null }>(fetch, `${tenantBase(locals)}/servicetitan-config`);
  return { config };
};

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
};
