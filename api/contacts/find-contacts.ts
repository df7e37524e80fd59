// The contacts list of one tenant: search by name, email or phone digits (the inbox's search terms), a tag
// filter, newest first in keyset pages.
import type { ContactPage } from '../../contract/contacts.ts';
import type { Database } from '../../db/connection.ts';
import { contactsByIds, listContactIds } from '../../db/repositories/contacts.ts';
import { escapeLike, searchTerms } from '../conversations/search.ts';
import { decodeContactCursor, encodeContactCursor } from './contact-cursor.ts';
import { presentContact } from './present-contact.ts';

export interface ContactListParams {
  tenantId: string;
  search?: string;
  tag?: string;
  limit: number;
  cursor?: string;
}

/** An email is searched by any fragment of it; a text with spaces cannot be part of one. */
function emailPattern(search: string | undefined): string | null {
  const text = (search ?? '').trim();
  return text && !/\s/.test(text) ? `%${escapeLike(text)}%` : null;
}

export async function findContacts(db: Database, params: ContactListParams): Promise<ContactPage> {
  const terms = searchTerms(params.search);
  const rows = await listContactIds(db, {
    tenantId: params.tenantId,
    search: terms ? { namePatterns: terms.namePatterns, emailPattern: emailPattern(params.search), digits: terms.digits } : null,
    tag: params.tag || null,
    limit: params.limit,
    after: params.cursor ? decodeContactCursor(params.cursor) : null,
  });
  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  const contacts = await contactsByIds(db, params.tenantId, page.map((r) => r.id));
  return {
    items: contacts.map(presentContact),
    nextCursor: rows.length > params.limit && last ? encodeContactCursor({ createdAt: last.created_at_key, id: last.id }) : null,
  };
}
