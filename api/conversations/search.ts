// Inbox search: which of a tenant's conversations match a person's text. Written so each part can use
// its own index (no cross-table OR, no LOWER() around an indexed column):
//   contacts: first_name / last_name ILIKE (trigram GIN), phone_digits LIKE (trigram GIN) — one table,
//             so PostgreSQL ORs the three bitmaps: any fragment of a name or number matches;
//   messages: every word of the search starts a word of the message (word GIN, 'simple' dictionary), so
//             "leak" finds "leaking" but "Chen" does not find every "kitchen";
// and the two id sets are UNIONed.

export interface SearchTerms {
  /** `%digits%` when the text holds a phone fragment (see phoneDigits) */
  digits: string | null;
  /**
   * The digits a number must contain: from two digits when the text is only a number ("55", "(555) 0"),
   * from three when it also has words ("Maria 0142"), so "unit 12" does not list every number with a 12.
   */
  phoneDigits: string | null;
  /** The words of the text as typed; a name must contain each (any case). */
  nameWords: string[];
  /** `%word%` per name word, LIKE's wildcards escaped. */
  namePatterns: string[];
  /** Lower-case letters-and-digits words, each of which must start a word of a message. */
  messageWords: string[];
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
  const looksLikeNumber = /^[\d\s()+.-]+$/.test(text);
  const phoneDigits = digits.length >= (looksLikeNumber ? 2 : 3) ? digits : null;
  const words = text.split(' ');
  const nameWords = words.slice(0, maxWords);
  // Only letters and digits reach to_tsquery, so its operators cannot be injected. A one-character word
  // must match exactly: as a prefix it would match most of the tenant's messages.
  const tsWords = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, maxWords);
  return {
    digits: phoneDigits ? `%${phoneDigits}%` : null,
    phoneDigits,
    nameWords,
    namePatterns: nameWords.map((w) => `%${escapeLike(w)}%`),
    messageWords: tsWords,
    words: tsWords.length > 0 ? tsWords.map((w) => (w.length > 1 ? `${w}:*` : w)).join(' & ') : null,
  };
}

/** Binds every name pattern of the terms as :searchName0, :searchName1, … */
function nameReplacements(terms: SearchTerms): Record<string, string> {
  return Object.fromEntries(terms.namePatterns.map((p, i) => [`searchName${i}`, p]));
}

/** Every word of the search is in the first or the last name (any case). */
export function nameConditionSql(terms: SearchTerms, firstName: string, lastName: string): string {
  return terms.namePatterns.map((_, i) => `(${firstName} ILIKE :searchName${i} OR ${lastName} ILIKE :searchName${i})`).join(' AND ');
}

/** SQL yielding the ids of the tenant's matching conversations; binds :tenantId and the terms'. */
export function matchingConversationIdsSql(terms: SearchTerms): { sql: string; replacements: Record<string, string> } {
  const contactConditions = [`(${nameConditionSql(terms, 'ct.first_name', 'ct.last_name')})`];
  const replacements: Record<string, string> = nameReplacements(terms);
  if (terms.digits) {
    contactConditions.push('ct.phone_digits LIKE :searchDigits');
    replacements.searchDigits = terms.digits;
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

/**
 * What of each row of a page matched, for describeMatch (search-match.ts): columns and joins over
 * `alias`, a conversationSelect row. The newest matching message is looked up only for rows whose name
 * and number did not match (by the conversation's own message index; a page has at most 100 rows).
 * Binds the same names as matchingConversationIdsSql.
 */
export function matchFactsSql(terms: SearchTerms, alias: string): { columns: string; joins: string } {
  const name = nameConditionSql(terms, `${alias}.contact_first_name`, `${alias}.contact_last_name`);
  const phone = terms.digits ? `regexp_replace(${alias}.contact_phone, '[^0-9]', '', 'g') LIKE :searchDigits` : 'false';
  const message = terms.words
    ? `LEFT JOIN LATERAL (
         SELECT m.id, m.direction, m.body, m.created_at,
                NOT EXISTS (SELECT 1 FROM messages n WHERE n.conversation_id = m.conversation_id
                              AND (n.created_at > m.created_at OR (n.created_at = m.created_at AND n.id > m.id))) AS latest
           FROM messages m
          WHERE m.conversation_id = ${alias}.id AND NOT (${name}) AND NOT (${phone})
            AND to_tsvector('simple', m.body) @@ to_tsquery('simple', :searchWords)
          ORDER BY m.created_at DESC, m.id DESC
          LIMIT 1) mm ON true`
    : `LEFT JOIN LATERAL (SELECT NULL::uuid AS id, NULL::text AS direction, NULL::text AS body,
                                 NULL::timestamptz AS created_at, NULL::boolean AS latest) mm ON true`;
  return {
    columns: `(${name}) AS match_name, (${phone}) AS match_phone, mm.id AS match_message_id,
              mm.direction AS match_message_direction, mm.body AS match_message_body,
              mm.created_at AS match_message_created_at, mm.latest AS match_message_latest`,
    joins: message,
  };
}
