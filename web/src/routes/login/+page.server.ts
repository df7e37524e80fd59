import { fail, redirect } from '@sveltejs/kit';
import { safeNext } from '#lib/server/safe-next.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
  return {};
};

/** The API's explanation, when it sent one. */
async function apiMessage(response: Response): Promise<string | null> {
  const body: unknown = await response.json().catch(() => null);
  return body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string'
    ? (body as { error: string }).error
    : null;
}

export const actions: Actions = {
  // The session cookie the API sets comes back to the browser through handleFetch (hooks.server.ts).
  default: async ({ request, fetch, url }) => {
    const form = await request.formData();
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!email || !password) return fail(400, { email, error: 'Enter your email and password.' });

    const response = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email, password }),
    }).catch(() => null);

    if (!response) return fail(502, { email, error: 'The server could not be reached. Try again in a moment.' });
    if (response.status === 401) return fail(401, { email, error: 'That email and password do not match an account.' });
    if (response.status === 429) {
      return fail(429, { email, error: (await apiMessage(response)) ?? 'Too many sign-in attempts. Wait a few minutes and try again.' });
    }
    if (!response.ok) {
      return fail(response.status >= 500 ? 502 : 400, {
        email,
        error: (await apiMessage(response)) ?? `Sign-in failed (${response.status}). Try again in a moment.`,
      });
    }
    redirect(303, safeNext(url.searchParams.get('next')));
  },
};
