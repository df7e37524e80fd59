import { apiLoad } from '#lib/server/api.ts';
import { contactListUrl, type ContactPage } from '#lib/contacts/contact-types.ts';
import type { PageServerLoad } from './$types';

// State lives in the URL: ?q= searches, ?tag= filters, ?after= pages.
export const load: PageServerLoad = async ({ fetch, url }) => {
  const q = (url.searchParams.get('q') ?? '').trim();
  const tag = (url.searchParams.get('tag') ?? '').trim();
  const after = url.searchParams.get('after') ?? '';
  const page = await apiLoad<ContactPage>(fetch, contactListUrl({ search: q, tag, cursor: after || undefined }));
  return { q, tag, after, page };
};
