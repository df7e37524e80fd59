// Browser-side reads of the Inbox API (search as you type, load more, live refresh): the session
// cookie goes along by itself.
import type { ConversationPage, StatusFilter, Tab } from './api-types.ts';

export function conversationListUrl(params: { tab: Tab; status?: StatusFilter; search: string; limit: number; cursor?: string | null }): string {
  const query = new URLSearchParams({ tab: params.tab, limit: String(params.limit) });
  if (params.status && params.status !== 'open') query.set('status', params.status);
  if (params.search) query.set('search', params.search);
  if (params.cursor) query.set('cursor', params.cursor);
  return `/api/conversations?${query}`;
}

export async function fetchConversationPage(url: string, signal?: AbortSignal): Promise<ConversationPage> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, signal });
  if (response.status === 401) {
    // The session ended (signed out elsewhere, expired): a full load takes the person to sign in.
    location.reload();
    throw new Error('Signed out');
  }
  if (!response.ok) throw new Error(`The inbox could not be loaded (${response.status}).`);
  return (await response.json()) as ConversationPage;
}
