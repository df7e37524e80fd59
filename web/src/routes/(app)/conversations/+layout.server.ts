import { conversationPageSize, parseStatus, parseTab, type ConversationPage } from '#lib/api-types.ts';
import { conversationListUrl } from '#lib/client-api.ts';
import { apiLoad } from '#lib/server/api.ts';
import type { LayoutServerLoad } from './$types';

// The list pane: shared by /conversations and /conversations/[id], so opening one keeps the list.
export const load: LayoutServerLoad = async ({ fetch, url, depends }) => {
  depends('app:conversation-list');
  const tab = parseTab(url.searchParams.get('tab'));
  const status = parseStatus(url.searchParams.get('status'));
  const q = (url.searchParams.get('q') ?? '').trim();
  const list = await apiLoad<ConversationPage>(fetch, conversationListUrl({ tab, status, search: q, limit: conversationPageSize }));
  return { tab, status, q, list };
};
