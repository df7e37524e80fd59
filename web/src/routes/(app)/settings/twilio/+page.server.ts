import { fail } from '@sveltejs/kit';
import type { TwilioSettings } from '#lib/settings/settings-types.ts';
import { apiLoad, apiRequest } from '#lib/server/api.ts';
import { refusal, tenantBase } from '#lib/server/settings-api.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch }) => ({
  twilio: await apiLoad<TwilioSettings>(fetch, `${tenantBase(locals)}/twilio-settings`),
});

export const actions: Actions = {
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
};
