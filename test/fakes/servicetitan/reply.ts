// What a route answers. Routes return a Reply instead of writing to the socket, so the server
// can still delay it, drop it (lost answer) or log it.
import { randomUUID } from 'node:crypto';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless it is a string. */
  body?: unknown;
}

export type FieldErrors = Record<string, string[]>;

/** An RFC 7807 body shaped like ServiceTitan's ApiErrorResponse: {type, title, status, traceId, errors, data}. */
export function problem(status: number, title: string, errors: FieldErrors = {}, headers?: Record<string, string>): Reply {
  const types: Record<number, string> = {
    400: 'https://tools.ietf.org/html/rfc7231#section-6.5.1',
    401: 'https://tools.ietf.org/html/rfc7235#section-3.1',
    403: 'https://tools.ietf.org/html/rfc7231#section-6.5.3',
    404: 'https://tools.ietf.org/html/rfc7231#section-6.5.4',
    429: 'https://tools.ietf.org/html/rfc6585#section-4',
    500: 'https://tools.ietf.org/html/rfc7231#section-6.6.1',
    503: 'https://tools.ietf.org/html/rfc7231#section-6.6.4',
  };
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
    body: {
      type: types[status] ?? 'about:blank',
      title,
      status,
      traceId: randomUUID().replace(/-/g, ''),
      errors,
      data: {},
    },
  };
}

export function json(body: unknown, status = 200): Reply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body };
}
