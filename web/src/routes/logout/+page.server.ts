import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

// Signing out changes state, so it is a POST (the header's form); a plain visit just goes back.
export const load: PageServerLoad = () => redirect(303, '/conversations');

export const actions: Actions = {
  // The API's cookie-clearing Set-Cookie reaches the browser through handleFetch (hooks.server.ts).
  default: async ({ fetch }) => {
    await fetch('/api/auth/logout', { method: 'POST' }).catch(() => null);
    redirect(303, '/login');
  },
};
