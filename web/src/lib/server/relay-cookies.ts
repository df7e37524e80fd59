import type { Cookies } from '@sveltejs/kit';

/**
 * Passes the API's Set-Cookie headers (the session) on to the browser unchanged: same value, and the
 * API's own attributes — Kit's defaults (e.g. `secure` on every non-localhost host) must not override them.
 */
export function relaySetCookies(response: Response, cookies: Cookies): void {
  for (const header of response.headers.getSetCookie()) {
    const { name, value, ...options } = cookies.parse(header, { decode: (v) => v });
    cookies.set(name, value ?? '', {
      ...options,
      path: options.path ?? '/',
      httpOnly: options.httpOnly ?? false,
      secure: options.secure ?? false,
      encode: (v) => v,
    });
  }
}
