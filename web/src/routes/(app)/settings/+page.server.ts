import { redirect } from '@sveltejs/kit';
import { settingsSections } from '#lib/settings/sections.ts';
import type { PageServerLoad } from './$types';

// /settings is the first section.
export const load: PageServerLoad = async ({ parent }) => {
  await parent(); // admins only (the layout's 403) before anyone is sent on
  redirect(307, settingsSections[0]!.href);
};
