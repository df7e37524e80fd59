import { fail, redirect } from '@sveltejs/kit';
import type { CampaignPreview, CampaignView, FromNumber } from '#lib/campaigns/campaign-types.ts';
import { ApiError, apiLoad, apiRequest } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, depends }) => {
  depends('app:campaigns');
  const [list, numbers] = await Promise.all([
    apiLoad<{ items: CampaignView[] }>(fetch, '/api/campaigns'),
    apiLoad<{ numbers: FromNumber[] }>(fetch, '/api/campaigns/from-numbers'),
  ]);
  return { campaigns: list.items, numbers: numbers.numbers };
};

const text = (form: FormData, name: string) => String(form.get(name) ?? '');

/** What the admin typed, sent back with every answer so the form keeps it. */
function draftOf(form: FormData) {
  return {
    name: text(form, 'name'),
    body: text(form, 'body'),
    tags: text(form, 'tags'),
    fromNumberIds: form.getAll('fromNumberIds').map(String),
    sendAt: text(form, 'sendAt'),
    messagesPerSecond: text(form, 'messagesPerSecond') || '1',
  };
}

const tagList = (tags: string) => tags.split(',').map((t) => t.trim()).filter(Boolean);

function refusal(action: string, draft: ReturnType<typeof draftOf>, err: unknown) {
  if (err instanceof ApiError) {
    const fields = (err.body as { fields?: Record<string, string> } | undefined)?.fields ?? {};
    return fail(err.status >= 500 ? 502 : err.status, { action, draft, error: err.message, fields });
  }
  return fail(502, { action, draft, error: 'The campaigns API could not be reached. Try again.', fields: {} });
}

export const actions: Actions = {
  preview: async ({ request, fetch }) => {
    const form = await request.formData();
    const draft = draftOf(form);
    try {
      const preview = await apiRequest<CampaignPreview>(fetch, '/api/campaigns/preview', {
        method: 'POST',
        json: { body: draft.body, audience: { tags: tagList(draft.tags) } },
      });
      return { action: 'preview', draft, preview };
    } catch (err) {
      return refusal('preview', draft, err);
    }
  },

  create: async ({ request, fetch }) => {
    const form = await request.formData();
    const draft = draftOf(form);
    // datetime-local has no zone: it is the admin's browser time, sent along as its UTC offset.
    const offset = Number(text(form, 'tzOffset') || '0');
    const sendAt = draft.sendAt ? new Date(new Date(`${draft.sendAt}:00Z`).getTime() + offset * 60_000).toISOString() : null;
    let created: CampaignView;
    try {
      created = (
        await apiRequest<{ campaign: CampaignView }>(fetch, '/api/campaigns', {
          method: 'POST',
          json: {
            name: draft.name,
            body: draft.body,
            fromNumberIds: draft.fromNumberIds,
            audience: { tags: tagList(draft.tags) },
            sendAt,
            messagesPerSecond: Number(draft.messagesPerSecond),
          },
        })
      ).campaign;
    } catch (err) {
      return refusal('create', draft, err);
    }
    redirect(303, `/campaigns/${created.id}`);
  },
};
