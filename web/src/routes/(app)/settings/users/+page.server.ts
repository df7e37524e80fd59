import { fail } from '@sveltejs/kit';
import type { TenantUser } from '#lib/settings/settings-types.ts';
import { apiLoad, apiRequest } from '#lib/server/api.ts';
import { refusal, tenantBase } from '#lib/server/settings-api.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch }) => {
  const { users } = await apiLoad<{ users: TenantUser[] }>(fetch, `${tenantBase(locals)}/users`);
  return { users };
};

export const actions: Actions = {
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
