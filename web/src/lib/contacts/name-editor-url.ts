// Whether the conversation view's "Edit name" form is open lives in the URL (`?edit=name`), beside the
// inbox's own list state (tab, status, search), so a reload or a shared link shows the same thing and the
// form works without JavaScript. These build its links and its form action, keeping the list state.

export const editParam = 'edit';
export const editNameValue = 'name';

/** What these read of a URL: `page.url` (whose searchParams are read-only) or a plain URL. */
export interface PageLocation {
  readonly pathname: string;
  readonly searchParams: Iterable<[string, string]> & { get(name: string): string | null };
}

export function isEditingName(url: PageLocation): boolean {
  return url.searchParams.get(editParam) === editNameValue;
}

/** The URL's query without the editor and without a form action key (`?/name`): the list state only. */
function listState(url: PageLocation): URLSearchParams {
  const kept = new URLSearchParams();
  for (const [key, value] of url.searchParams) if (key !== editParam && !key.startsWith('/')) kept.append(key, value);
  return kept;
}

/** This page with the name editor open or closed, as a path and query. */
export function nameEditorHref(url: PageLocation, open: boolean): string {
  const params = listState(url);
  if (open) params.set(editParam, editNameValue);
  const query = params.toString();
  return `${url.pathname}${query ? `?${query}` : ''}`;
}

/**
 * The form's action: `?/name` plus the list state, so that after a save the server sends the browser back
 * to this view with the list as it was (written by hand: URLSearchParams would encode the `/`).
 */
export function nameActionHref(url: PageLocation): string {
  const query = listState(url).toString();
  return `?/name${query ? `&${query}` : ''}`;
}
