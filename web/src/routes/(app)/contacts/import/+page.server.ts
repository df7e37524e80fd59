import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (locals.user?.role !== 'admin') error(403, 'Only an admin can import contacts.');
  return {};
};
