// Server-side calls to the Inbox API. `fetch` is the event's fetch: hooks.server.ts sends it to the
// in-process server with the browser's session cookie.
import { error } from '@sveltejs/kit';

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, message: string, body: unknown) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

type Fetch = typeof fetch;

/** The API's own explanation (`{error}` or `{message}`), if it gave one. */
function explanation(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['error', 'message']) {
      const value = record[key];
      if (typeof value === 'string') return value;
      if (value && typeof value === 'object' && typeof (value as Record<string, unknown>).message === 'string') {
        return (value as Record<string, string>).message;
      }
    }
  }
  return undefined;
}

export async function apiRequest<T>(fetch: Fetch, path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: init.json === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!response.ok) {
    throw new ApiError(response.status, explanation(body) ?? `${response.status} ${response.statusText}`, body);
  }
  return body as T;
}

/** For loads: turns API failures into the page's error (404 stays 404; a dead API is a 502). */
export async function apiLoad<T>(fetch: Fetch, path: string): Promise<T> {
  try {
    return await apiRequest<T>(fetch, path);
  } catch (err) {
    if (err instanceof ApiError) {
      if (err.status === 404 || err.status === 403) error(err.status, err.status === 404 ? 'Not found.' : 'You do not have access to this.');
      error(502, `The inbox API answered ${err.status}: ${err.message}`);
    }
    error(502, 'The inbox API could not be reached.');
  }
}
