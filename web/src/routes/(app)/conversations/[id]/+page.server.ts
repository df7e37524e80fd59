import { fail } from '@sveltejs/kit';
import type { Category, ConversationDetail } from '#lib/api-types.ts';
import { ApiError, apiLoad, apiRequest } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, params, depends }) => {
  depends('app:conversation');
  return { detail: await apiLoad<ConversationDetail>(fetch, `/api/conversations/${encodeURIComponent(params.id)}`) };
};

const categories: readonly Category[] = ['engaged', 'opt_out', 'complaint'];

/** The API's words for a refusal, or ours when it gave none. */
function refusal(err: unknown, fallback: string): { status: number; message: string } {
  if (err instanceof ApiError) {
    if (err.status === 409) return { status: 409, message: 'This customer opted out of texts; replies are blocked.' };
    return { status: err.status >= 500 ? 502 : err.status, message: err.message || fallback };
  }
  return { status: 502, message: fallback };
}

export const actions: Actions = {
  reply: async ({ request, fetch, params }) => {
    const body = String((await request.formData()).get('body') ?? '');
    if (!body.trim()) return fail(400, { action: 'reply' as const, body, error: 'Write a message first.' });
    if (body.length > 1600) return fail(400, { action: 'reply' as const, body, error: 'Replies are limited to 1600 characters.' });
    try {
      await apiRequest(fetch, `/api/conversations/${encodeURIComponent(params.id)}/messages`, { method: 'POST', json: { body } });
      return { action: 'reply' as const, sent: true };
    } catch (err) {
      const { status, message } = refusal(err, 'The reply could not be sent. Try again.');
      return fail(status, { action: 'reply' as const, body, error: message });
    }
  },

  category: async ({ request, fetch, params }) => {
    const category = String((await request.formData()).get('category') ?? '');
    if (!categories.includes(category as Category)) return fail(400, { action: 'category' as const, error: 'Choose a category.' });
    try {
      await apiRequest(fetch, `/api/conversations/${encodeURIComponent(params.id)}`, { method: 'PATCH', json: { category } });
      return { action: 'category' as const, saved: true };
    } catch (err) {
      return fail(refusal(err, '').status, { action: 'category' as const, error: refusal(err, 'The category could not be saved.').message });
    }
  },

  /** A person resends a message whose delivery is unknown (the API refuses anything else with 409). */
  resend: async ({ request, fetch, params }) => {
    const messageId = String((await request.formData()).get('messageId') ?? '');
    try {
      await apiRequest(fetch, `/api/conversations/${encodeURIComponent(params.id)}/messages/${encodeURIComponent(messageId)}/resend`, { method: 'POST' });
      return { action: 'resend' as const, messageId, sent: true };
    } catch (err) {
      const clientError = err instanceof ApiError && err.status < 500 && err.message;
      const status = err instanceof ApiError ? (err.status >= 500 ? 502 : err.status) : 502;
      return fail(status, { action: 'resend' as const, messageId, error: clientError || 'The message could not be resent. Try again.' });
    }
  },

  handled: async ({ fetch, params }) => {
    try {
      await apiRequest(fetch, `/api/conversations/${encodeURIComponent(params.id)}`, { method: 'PATCH', json: { needsAttention: false } });
      return { action: 'handled' as const, saved: true };
    } catch (err) {
      return fail(refusal(err, '').status, { action: 'handled' as const, error: refusal(err, 'Could not mark it handled.').message });
    }
  },
};
