// Inbox search: which of a tenant's conversations match a person's text. Written so each part can use
// its own index (no cross-table OR, no LOWER() around an indexed column):
//   contacts: first_name / last_name ILIKE (trigram GIN), phone_digits LIKE (trigram GIN) — one table,
//             so PostgreSQL ORs the three bitmaps;
//   messages: body ILIKE (trigram GIN);
// and the two id sets are UNIONed.

export interface SearchTerms {
  /** `%text%` with LIKE's wildcards escaped */
  pattern: string;
  /** `%digits%` when the text holds at least 3 digits */
  digits: string | null;
  /** "Maria Garcia": first word against first_name and the rest against last_name */
  firstAndLast: { first: string; last: string } | null;
}

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
  return {
    pattern: `%${escapeLike(text)}%`,
    digits: digits.length >= 3 ? `%${digits}%` : null,
    firstAndLast:
      words.length >= 2 ? { first: `%${escapeLike(words[0] ?? '')}%`, last: `%${escapeLike(words.slice(1).join(' '))}%` } : null,
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
  const sql = `
    SELECT mc.id FROM conversations mc JOIN contacts ct ON ct.id = mc.contact_id
     WHERE ct.tenant_id = :tenantId AND mc.tenant_id = :tenantId AND (${contactConditions.join(' OR ')})
    UNION
    SELECT m.conversation_id FROM messages m
     WHERE m.tenant_id = :tenantId AND m.body ILIKE :searchPattern`;
  return { sql, replacements };
}
