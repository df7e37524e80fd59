import { error } from '@sveltejs/kit';
import { forbidden } from '#lib/server/settings-api.ts';
import type { LayoutServerLoad } from './$types';

// Every settings section is for admins; each section loads only what it shows.
export const load: LayoutServerLoad = ({ locals }) => {
  if (locals.user?.role !== 'admin') error(403, forbidden);
  return { me: locals.user };
};
