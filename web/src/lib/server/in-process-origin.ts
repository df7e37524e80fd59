// Where server-side `event.fetch('/api/…')` goes: the Express server this handler runs inside,
// over loopback, rather than the public origin (which may be a proxy, or not resolvable from here).
import { loadEnv } from '../../../../config/env.ts';

let origin: string | undefined;

export function inProcessOrigin(): string {
  origin ??= `http://127.0.0.1:${loadEnv().PORT}`;
  return origin;
}
