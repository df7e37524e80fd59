import { fail, redirect } from '@sveltejs/kit';
import type { Category, ConversationDetail } from '#lib/api-types.ts';
import { openTraceId } from '#lib/assistant/trace-url.ts';
import { nameEditorHref } from '#lib/contacts/name-editor-url.ts';
import { ApiError, apiLoad, apiRequest } from '#lib/server/api.ts';
import { saveContactName } from '#lib/server/contact-name.ts';
import { changeAssistantSession, loadMessageTrace, type SessionChange } from '#lib/server/conversation-assistant.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, params, depends, url }) => {
  depends('app:conversation');
  // The trace of the assistant reply named by `?trace=` is loaded with the view (state in the URL).
  const traceOf = openTraceId(url);
  const [detail, trace] = await Promise.all([
    apiLoad<ConversationDetail>(fetch, `/api/conversations/${encodeURIComponent(params.id)}`),
    traceOf ? loadMessageTrace(fetch, params.id, traceOf) : null,
  ]);
  return { detail, trace };
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

async function setStatus(fetch: typeof globalThis.fetch, id: string, change: 'resolve' | 'reopen') {
  try {
    await apiRequest(fetch, `/api/conversations/${encodeURIComponent(id)}/${change}`, { method: 'POST' });
    return { action: 'status' as const, saved: true };
  } catch (err) {
    const failed = refusal(err, change === 'resolve' ? 'Could not resolve it.' : 'Could not reopen it.');
    return fail(failed.status, { action: 'status' as const, error: failed.message });
  }
}

async function changeSession(fetch: typeof globalThis.fetch, id: string, change: SessionChange) {
  const outcome = await changeAssistantSession(fetch, id, change);
  if (!outcome.changed) return fail(outcome.status, { action: 'assistant' as const, error: outcome.message });
  return { action: 'assistant' as const, saved: true };
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
  resolve: async ({ fetch, params }) => setStatus(fetch, params.id, 'resolve'),
  reopen: async ({ fetch, params }) => setStatus(fetch, params.id, 'reopen'),
  /** A person takes the assistant's session over (it stays silent), or hands it back. */
  takeOver: async ({ fetch, params }) => changeSession(fetch, params.id, 'takeOver'),
  handBack: async ({ fetch, params }) => changeSession(fetch, params.id, 'handBack'),

  /** A person renames the customer; once saved, back to the view (editor closed, the list as it was). */
  name: async ({ request, fetch, url }) => {
    const outcome = await saveContactName(fetch, await request.formData());
    if (!outcome.saved) return fail(outcome.status, { action: 'name' as const, ...outcome.failure });
    redirect(303, nameEditorHref(url, false));
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
