// Inbox search: which of a tenant's conversations match a person's text. Written so each part can use
// its own index (no cross-table OR, no LOWER() around an indexed column):
//   contacts: first_name / last_name ILIKE (trigram GIN), phone_digits LIKE (trigram GIN) — one table,
//             so PostgreSQL ORs the three bitmaps: any fragment of a name or number matches;
//   messages: every word of the search starts a word of the message (word GIN, 'simple' dictionary), so
//             "leak" finds "leaking" but "Chen" does not find every "kitchen";
// and the two id sets are UNIONed.

export interface SearchTerms {
  /** `%text%` with LIKE's wildcards escaped */
  pattern: string;
  /** `%digits%` when the text holds at least 3 digits */
  digits: string | null;
  /** "Maria Garcia": first word against first_name and the rest against last_name */
  firstAndLast: { first: string; last: string } | null;
  /** to_tsquery text: each word as a prefix, all required; null when the text has no letters or digits */
  words: string | null;
}

/** More words than this add nothing a CSR needs and only make the query longer. */
const maxWords = 8;

export const maxSearchLength = 200;

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Null for an empty search. */
export function searchTerms(raw: string | undefined): SearchTerms | null {
  const text = (raw ?? '').trim().replace(/\s+/g, ' ');
  if (text === '') return null;
  const digits = text.replace(/\D/g, '');
  const words = text.split(' ');
  // Only letters and digits reach to_tsquery, so its operators cannot be injected. A one-character word
  // must match exactly: as a prefix it would match most of the tenant's messages.
  const tsWords = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, maxWords);
  return {
    pattern: `%${escapeLike(text)}%`,
    digits: digits.length >= 3 ? `%${digits}%` : null,
    firstAndLast:
      words.length >= 2 ? { first: `%${escapeLike(words[0] ?? '')}%`, last: `%${escapeLike(words.slice(1).join(' '))}%` } : null,
    words: tsWords.length > 0 ? tsWords.map((w) => (w.length > 1 ? `${w}:*` : w)).join(' & ') : null,
  };
}

/** SQL yielding the ids of the tenant's matching conversations; binds :tenantId and the terms'. */
export function matchingConversationIdsSql(terms: SearchTerms): { sql: string; replacements: Record<string, string> } {
  const contactConditions = ['ct.first_name ILIKE :searchPattern', 'ct.last_name ILIKE :searchPattern'];
  const replacements: Record<string, string> = { searchPattern: terms.pattern };
  if (terms.digits) {
    contactConditions.push('ct.phone_digits LIKE :searchDigits');
    replacements.searchDigits = terms.digits;
  }
  if (terms.firstAndLast) {
    contactConditions.push('(ct.first_name ILIKE :searchFirst AND ct.last_name ILIKE :searchLast)');
    replacements.searchFirst = terms.firstAndLast.first;
    replacements.searchLast = terms.firstAndLast.last;
  }
  let sql = `
    SELECT mc.id FROM conversations mc JOIN contacts ct ON ct.id = mc.contact_id
     WHERE ct.tenant_id = :tenantId AND mc.tenant_id = :tenantId AND (${contactConditions.join(' OR ')})`;
  if (terms.words) {
    // The expression must stay exactly the indexed one: to_tsvector('simple', body).
    sql += `
    UNION
    SELECT m.conversation_id FROM messages m
     WHERE m.tenant_id = :tenantId AND to_tsvector('simple', m.body) @@ to_tsquery('simple', :searchWords)`;
    replacements.searchWords = terms.words;
  }
  return { sql, replacements };
}
