// Inbox search: which of a tenant's conversations match a person's text. Written so each part can use
// its own index (no cross-table OR, no LOWER() around an indexed column):
//   contacts: "first last" contains every word (ILIKE, trigram GIN on that expression), phone_digits
//             LIKE (trigram GIN) — one table, so PostgreSQL ORs the two bitmaps: any fragment of a name
//             or number matches;
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
  /** The words of the text as typed; a name must contain each (any case). None for a number alone. */
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
  // A number alone is not looked for in names: no name holds "55", and a pattern under three characters
  // gives the trigram index nothing to narrow by (every contact of the tenant would be read).
  const nameWords = looksLikeNumber ? [] : text.split(' ').slice(0, maxWords);
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

/** "First Last"; on contacts exactly the expression contacts_tenant_full_name_trgm_idx indexes. */
const fullNameSql = (firstName: string, lastName: string) => `(coalesce(${firstName}, '') || ' ' || coalesce(${lastName}, ''))`;

/** Every word of the search is somewhere in "First Last" (any case). */
export function nameConditionSql(terms: SearchTerms, firstName: string, lastName: string): string {
  if (terms.namePatterns.length === 0) return 'false';
  const name = fullNameSql(firstName, lastName);
  return terms.namePatterns.map((_, i) => `${name} ILIKE :searchName${i}`).join(' AND ');
}

/** The columns the inbox sorts and counts by, for each matching conversation. */
export const matchedColumns = ['id', 'category', 'needs_attention', 'last_message_at', 'created_at', 'status'] as const;

/**
 * SQL yielding the tenant's matching conversations, once each, with matchedColumns; binds :tenantId
 * and the terms'. Contacts first (name and number: one table, so PostgreSQL ORs the trigram bitmaps),
 * then each contact's conversations from conversations_contact_inbox_idx alone (an index-only scan: the
 * index carries the sort keys); messages by the word index, then their conversations by primary key.
 */
export function matchingConversationsSql(terms: SearchTerms): {
  /** `word_hits AS MATERIALIZED (…),` (the matching messages, for matchFactsSql too) or '' */
  ctes: string;
  sql: string;
  replacements: Record<string, string>;
} {
  const contactConditions = [`(${nameConditionSql(terms, 'ct.first_name', 'ct.last_name')})`];
  const replacements: Record<string, string> = nameReplacements(terms);
  if (terms.digits) {
    contactConditions.push('ct.phone_digits LIKE :searchDigits');
    replacements.searchDigits = terms.digits;
  }
  const columns = (alias: string) => matchedColumns.map((c) => `${alias}.${c}`).join(', ');
  // Each match looks its conversations up by index, one probe per match (UNION drops repeats). OFFSET 0 keeps PostgreSQL from
  // flattening the LATERAL into a plain join: its estimates for trigram and word matches are rough (1,200
  // rows for 5 "heliotrope"s), and from them it prefers to hash all 100,000 of the tenant's conversations.
  let sql = `
    SELECT ${columns('mc')} FROM contacts ct
     CROSS JOIN LATERAL (SELECT ${columns('c')} FROM conversations c
                          WHERE c.contact_id = ct.id AND c.tenant_id = :tenantId OFFSET 0) mc
     WHERE ct.tenant_id = :tenantId AND (${contactConditions.join(' OR ')})`;
  let ctes = '';
  if (terms.words) {
    // The expression must stay exactly the indexed one: to_tsvector('simple', body). The ctid is where
    // the row was read: matchFactsSql reads a page row's snippet from there.
    ctes = `word_hits AS MATERIALIZED (
      SELECT w.id, w.conversation_id, w.created_at, w.ctid FROM messages w
       WHERE w.tenant_id = :tenantId AND to_tsvector('simple', w.body) @@ to_tsquery('simple', :searchWords)),`;
    sql += `
    UNION
    SELECT ${columns('wc')} FROM word_hits w
     CROSS JOIN LATERAL (SELECT ${columns('c')} FROM conversations c
                          WHERE c.id = w.conversation_id AND c.tenant_id = :tenantId OFFSET 0) wc`;
    replacements.searchWords = terms.words;
  }
  return { ctes, sql, replacements };
}

/**
 * What of each row of a page matched, for describeMatch (search-match.ts): columns and joins over
 * `alias`, a conversationSelect row, and the CTE they read (after `page`, the CTE of the page's
 * conversations). The newest matching message comes from word_hits (the messages the search already
 * found), only for rows whose name and number did not match; it is the latest when it is as new as the
 * row's last message (conversationSelect's).
 * `snippet` picks each page conversation's newest hit in one pass over word_hits (a hash of the page's
 * ids), not one scan of every hit per page row, and reads those messages by the ctid word_hits saw them
 * at (a TID scan of a heap page the search has just read) rather than again through the primary key:
 * one statement has one snapshot, so the row version it found is still there. Its LIMIT (one per page
 * row) keeps the estimate small, so the ctid join stays a TID scan per row.
 * Needs matchingConversationsSql's CTEs and binds the same names, and :limit (the page's).
 */
export function matchFactsSql(terms: SearchTerms, alias: string, page: string): { ctes: string; columns: string; joins: string } {
  const name = nameConditionSql(terms, `${alias}.contact_first_name`, `${alias}.contact_last_name`);
  const phone = terms.digits ? `regexp_replace(${alias}.contact_phone, '[^0-9]', '', 'g') LIKE :searchDigits` : 'false';
  const matchColumns = `(${name}) AS match_name, (${phone}) AS match_phone`;
  if (!terms.words) {
    return {
      ctes: '',
      columns: `${matchColumns}, NULL::uuid AS match_message_id, NULL::text AS match_message_direction,
                NULL::text AS match_message_body, NULL::timestamptz AS match_message_created_at,
                NULL::boolean AS match_message_latest`,
      joins: '',
    };
  }
  return {
    ctes: `snippet AS MATERIALIZED (
      SELECT s.conversation_id, m.id, m.direction, m.body, m.created_at
        FROM (SELECT DISTINCT ON (h.conversation_id) h.conversation_id, h.ctid FROM word_hits h
               WHERE h.conversation_id IN (SELECT p.id FROM ${page} p)
               ORDER BY h.conversation_id, h.created_at DESC, h.id DESC
               LIMIT :limit) s
        JOIN messages m ON m.ctid = s.ctid),`,
    columns: `${matchColumns}, mm.id AS match_message_id, mm.direction AS match_message_direction,
              mm.body AS match_message_body, mm.created_at AS match_message_created_at,
              mm.created_at = ${alias}.last_created_at AS match_message_latest`,
    joins: `LEFT JOIN snippet mm ON mm.conversation_id = ${alias}.id AND NOT (${name}) AND NOT (${phone})`,
  };
}
