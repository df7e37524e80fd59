import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (locals.user?.role !== 'admin') error(403, 'Settings are for admins. Ask an admin of your company to change them.');
  return {};
};
