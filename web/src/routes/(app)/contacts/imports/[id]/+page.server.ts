import type { ImportView } from '#lib/contacts/import-types.ts';
import { apiLoad } from '#lib/server/api.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, params, depends }) => {
  depends('app:contact-import');
  return { run: await apiLoad<ImportView>(fetch, `/api/contacts/imports/${encodeURIComponent(params.id)}`) };
};
