import { fail } from '@sveltejs/kit';
import type { ContactDetail } from '#lib/contacts/contact-types.ts';
import { ApiError, apiLoad, apiRequest } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, params }) => ({
  detail: await apiLoad<ContactDetail>(fetch, `/api/contacts/${encodeURIComponent(params.id)}`),
});

function refusal(action: string, err: unknown) {
  if (err instanceof ApiError) {
    const fields = (err.body as { fields?: Record<string, string> } | undefined)?.fields ?? {};
    return fail(err.status >= 500 ? 502 : err.status, { action, error: err.message, fields });
  }
  return fail(502, { action, error: 'The change could not be saved. Try again.', fields: {} });
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '');

export const actions: Actions = {
  save: async ({ request, fetch, params, locals }) => {
    const form = await request.formData();
    const change: Record<string, unknown> = { firstName: text(form, 'firstName'), lastName: text(form, 'lastName') };
    if (locals.user?.role === 'admin') {
      change.email = text(form, 'email');
      change.tags = text(form, 'tags')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      change.timeZone = text(form, 'timeZone').trim() || null;
    }
    try {
      await apiRequest(fetch, `/api/contacts/${encodeURIComponent(params.id)}`, { method: 'PATCH', json: change });
      return { action: 'save', saved: true };
    } catch (err) {
      return refusal('save', err);
    }
  },

  consent: async ({ request, fetch, params }) => {
    const form = await request.formData();
    const status = text(form, 'status');
    const evidence = text(form, 'evidence').trim();
    try {
      await apiRequest(fetch, `/api/contacts/${encodeURIComponent(params.id)}`, {
        method: 'PATCH',
        json: { marketingConsent: { status, ...(evidence ? { evidence } : {}) } },
      });
      return { action: 'consent', saved: true };
    } catch (err) {
      return refusal('consent', err);
    }
  },

  optOut: async ({ fetch, params }) => {
    try {
      await apiRequest(fetch, `/api/contacts/${encodeURIComponent(params.id)}`, { method: 'PATCH', json: { optedOut: true } });
      return { action: 'optOut', saved: true };
    } catch (err) {
      return refusal('optOut', err);
    }
  },
};
