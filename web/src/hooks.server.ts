import { redirect } from '@sveltejs/kit';
import type { Handle, HandleFetch } from '@sveltejs/kit/hooks';
import type { MeResponse } from '#lib/api-types.ts';
import { inProcessOrigin } from '#lib/server/in-process-origin.ts';
import { relaySetCookies } from '#lib/server/relay-cookies.ts';

/** Pages anyone may see. Everything else needs a session. */
const publicPaths = new Set(['/login']);

const mutatingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Kit's origin check is off (see vite.config.ts) because adapter-node guesses https behind plain http.
 * This is the same protection without the protocol: a form post must come from a page of this host.
 */
function isCrossSiteFormPost(request: Request, url: URL): boolean {
  if (!mutatingMethods.has(request.method)) return false;
  const origin = request.headers.get('origin');
  if (!origin) return true;
  try {
    return new URL(origin).host !== url.host;
  } catch {
    return true;
  }
}

export const handle: Handle = async ({ event, resolve }) => {
  if (isCrossSiteFormPost(event.request, event.url)) {
    return new Response('Cross-site form submissions are forbidden', { status: 403 });
  }

  event.locals.user = null;
  event.locals.tenantName = null;
  const response = await event.fetch('/api/auth/me').catch(() => null);
  if (response?.ok) {
    const me = (await response.json()) as MeResponse;
    event.locals.user = me.user;
    event.locals.tenantName = me.tenant?.name ?? null;
  }

  if (!event.locals.user && !publicPaths.has(event.url.pathname)) {
    const next = event.url.pathname + event.url.search;
    redirect(303, next === '/' || next === '/conversations' ? '/login' : `/login?next=${encodeURIComponent(next)}`);
  }
  return resolve(event);
};

/**
 * `event.fetch('/api/…')` would otherwise be answered by SvelteKit itself (same origin, no such route).
 * The API lives in Express in front of us: send it there over loopback with the browser's cookie, and
 * pass the API's Set-Cookie (sign-in, sign-out, session renewal) back to the browser.
 */
export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
  const url = new URL(request.url);
  if (url.origin !== event.url.origin || !url.pathname.startsWith('/api/')) return fetch(request);

  const target = new URL(url.pathname + url.search, inProcessOrigin());
  const headers = new Headers(request.headers);
  const cookie = event.request.headers.get('cookie');
  if (cookie) headers.set('cookie', cookie);
  else headers.delete('cookie');
  // This server is the caller, and it has already refused cross-site form posts (handle, above).
  headers.set('origin', target.origin);
  // The API's sign-in rate limit and logs should see the person's address, not loopback: Express, which
  // this handler runs inside, put the address it resolved through TRUST_PROXY in X-Forwarded-For
  // (api/app.ts), replacing whatever the client sent.
  headers.set('x-forwarded-for', event.request.headers.get('x-forwarded-for') ?? event.getClientAddress());
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
  const response = await fetch(new Request(target, { method: request.method, headers, body, redirect: 'manual' }));
  relaySetCookies(response, event.cookies);
  return response;
};
