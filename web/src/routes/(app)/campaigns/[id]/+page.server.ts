import { fail } from '@sveltejs/kit';
import type { CampaignView } from '#lib/campaigns/campaign-types.ts';
import { ApiError, apiLoad, apiRequest } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, params, depends }) => {
  depends('app:campaign');
  return { campaign: (await apiLoad<{ campaign: CampaignView }>(fetch, `/api/campaigns/${encodeURIComponent(params.id)}`)).campaign };
};

function action(name: 'start' | 'pause' | 'resume' | 'cancel') {
  return async ({ fetch, params }: { fetch: typeof globalThis.fetch; params: { id: string } }) => {
    try {
      await apiRequest(fetch, `/api/campaigns/${encodeURIComponent(params.id)}/${name}`, { method: 'POST' });
      return { action: name, done: true };
    } catch (err) {
      return fail(err instanceof ApiError && err.status < 500 ? err.status : 502, {
        action: name,
        error: err instanceof ApiError ? err.message : 'The campaigns API could not be reached. Try again.',
      });
    }
  };
}

export const actions: Actions = { start: action('start'), pause: action('pause'), resume: action('resume'), cancel: action('cancel') };
