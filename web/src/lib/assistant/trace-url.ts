// Which of the assistant's replies has its "Why did it say this?" trace open lives in the URL
// (`?trace=<messageId>`), beside the inbox's list state and the name editor, so a reload or a shared
// link shows the same trace and the disclosure works without JavaScript.
import type { PageLocation } from '#lib/contacts/name-editor-url.ts';

export const traceParam = 'trace';

/** The message whose trace is open, if any. */
export function openTraceId(url: PageLocation): string | null {
  return url.searchParams.get(traceParam) || null;
}

/** This page with one message's trace open (or every trace closed), as a path and query. */
export function traceHref(url: PageLocation, messageId: string | null): string {
  const params = new URLSearchParams();
  // Everything else in the query is kept (list state, the name editor); a form action key (`?/…`) is not.
  for (const [key, value] of url.searchParams) if (key !== traceParam && !key.startsWith('/')) params.append(key, value);
  if (messageId) params.set(traceParam, messageId);
  const query = params.toString();
  return `${url.pathname}${query ? `?${query}` : ''}`;
}
