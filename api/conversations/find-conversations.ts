// The inbox list: one tenant, one tab, an optional search, keyset pages in the contract's order, and
// the tab counts over the same tenant and search before the tab filter.
import { QueryTypes } from 'sequelize';
import type { Database } from '../../db/connection.ts';
import type { ConversationCategory } from '../../db/models/index.ts';
import { conversationSelect } from './conversation-row.ts';
import { decodeCursor, encodeCursor, type SortKey } from './cursor.ts';
import { presentConversation, type ConversationRow, type ConversationView } from './present-conversation.ts';
import { describeMatch } from './search-match.ts';
import { matchFactsSql, matchingConversationIdsSql, searchTerms } from './search.ts';

export const inboxTabs = ['engaged', 'opt_outs', 'complaints'] as const;
export type InboxTab = (typeof inboxTabs)[number];

export const tabCategory: Record<InboxTab, ConversationCategory> = {
  engaged: 'engaged',
  opt_outs: 'opt_out',
  complaints: 'complaint',
};

export type TabCounts = Record<InboxTab, number>;

export interface FindConversationsInput {
  tenantId: string;
  tab: InboxTab;
  search?: string;
  /** 1..100 */
  limit: number;
  cursor?: string;
}

export interface ConversationPage {
  items: ConversationView[];
  counts: TabCounts;
  /** Extension: how many of each tab's conversations (under the same search) need attention. */
  attention: TabCounts;
  nextCursor: string | null;
}

export const orderBySql = 'cv.needs_attention DESC, cv.last_message_at DESC NULLS LAST, cv.created_at DESC, cv.id DESC';

const utcMicros = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows strictly after the cursor in the inbox order (every key descending, NULL last_message_at last). */
function afterCursorSql(key: SortKey): string {
  const tail = `(cv.created_at < CAST(:cursorCreatedAt AS timestamptz)
      OR (cv.created_at = CAST(:cursorCreatedAt AS timestamptz) AND cv.id < CAST(:cursorId AS uuid)))`;
  const sameAttention =
    key.lastMessageAt === null
      ? `cv.last_message_at IS NULL AND ${tail}`
      : `(cv.last_message_at < CAST(:cursorLastMessageAt AS timestamptz) OR cv.last_message_at IS NULL
          OR (cv.last_message_at = CAST(:cursorLastMessageAt AS timestamptz) AND ${tail}))`;
  // The first conjunct is redundant but lets the index range start at the cursor's attention group.
  return `cv.needs_attention <= CAST(:cursorNeedsAttention AS boolean)
    AND (cv.needs_attention < CAST(:cursorNeedsAttention AS boolean)
         OR (cv.needs_attention = CAST(:cursorNeedsAttention AS boolean) AND ${sameAttention}))`;
}

interface PageRow extends ConversationRow {
  key_last_message_at: string | null;
  key_created_at: string;
  /** Under a search (matchFactsSql): what of the row matched. */
  match_name?: boolean;
  match_phone?: boolean;
  match_message_id?: string | null;
  match_message_direction?: 'inbound' | 'outbound' | null;
  match_message_body?: string | null;
  match_message_created_at?: Date | null;
  match_message_latest?: boolean | null;
}

interface CountRow {
  category: ConversationCategory;
  total: number;
  attention: number;
}

export async function findConversations(db: Database, input: FindConversationsInput): Promise<ConversationPage> {
  const terms = searchTerms(input.search);
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  const replacements: Record<string, string | number | boolean | null> = { tenantId: input.tenantId };
  let searchFilter = '';
  if (terms) {
    const matching = matchingConversationIdsSql(terms);
    searchFilter = `AND cv.id IN (${matching.sql})`;
    Object.assign(replacements, matching.replacements);
  }

  // Under a search, the counts start from the matches and look each conversation up by its primary key (a
  // nested loop over usually few rows). PostgreSQL's estimates for trigram and word matches are rough
  // (16 rows for 744 "Maria"s, 1,411 for none), and from them it prefers to hash all 100,000 of the
  // tenant's conversations, whether written as `IN (…)` or as a plain LATERAL join, which it flattens.
  // `LIMIT 1` (one row per id anyway) keeps the lookup a per-match index probe.
  const countsQuery = db.sequelize.query<CountRow>(
    terms
      ? `SELECT cv.category, count(*)::int AS total, (count(*) FILTER (WHERE cv.needs_attention))::int AS attention
           FROM (${matchingConversationIdsSql(terms).sql}) matched (id)
           CROSS JOIN LATERAL (SELECT c.category, c.needs_attention FROM conversations c
                                WHERE c.id = matched.id AND c.tenant_id = :tenantId LIMIT 1) cv
          GROUP BY cv.category`
      : `SELECT cv.category, count(*)::int AS total, (count(*) FILTER (WHERE cv.needs_attention))::int AS attention
           FROM conversations cv
          WHERE cv.tenant_id = :tenantId
          GROUP BY cv.category`,
    { replacements, type: QueryTypes.SELECT },
  );

  const pageReplacements = { ...replacements, category: tabCategory[input.tab], limit: input.limit + 1 };
  let cursorFilter = '';
  if (cursor) {
    cursorFilter = `AND ${afterCursorSql(cursor)}`;
    Object.assign(pageReplacements, {
      cursorNeedsAttention: cursor.needsAttention,
      cursorLastMessageAt: cursor.lastMessageAt,
      cursorCreatedAt: cursor.createdAt,
      cursorId: cursor.id,
    });
  }
  const rowsSql = `
WITH page AS (
  SELECT cv.*, ${utcMicros('cv.last_message_at')} AS key_last_message_at, ${utcMicros('cv.created_at')} AS key_created_at
    FROM conversations cv
   WHERE cv.tenant_id = :tenantId AND cv.category = :category ${searchFilter} ${cursorFilter}
   ORDER BY ${orderBySql}
   LIMIT :limit
)
${conversationSelect('page cv').replace('SELECT ', 'SELECT cv.key_last_message_at, cv.key_created_at, ')}`;
  // Under a search, each row of the page also says what matched (at most `limit` rows to look at).
  const facts = terms ? matchFactsSql(terms, 'cv') : null;
  const pageSql = facts
    ? `WITH rows AS (${rowsSql}) SELECT cv.*, ${facts.columns} FROM rows cv ${facts.joins} ORDER BY ${orderBySql}`
    : `${rowsSql} ORDER BY ${orderBySql}`;
  const pageQuery = db.sequelize.query<PageRow>(pageSql, { replacements: pageReplacements, type: QueryTypes.SELECT });

  const [countRows, rows] = await Promise.all([countsQuery, pageQuery]);

  const counts: TabCounts = { engaged: 0, opt_outs: 0, complaints: 0 };
  const attention: TabCounts = { engaged: 0, opt_outs: 0, complaints: 0 };
  for (const tab of inboxTabs) {
    const row = countRows.find((r) => r.category === tabCategory[tab]);
    counts[tab] = row?.total ?? 0;
    attention[tab] = row?.attention ?? 0;
  }

  const hasMore = rows.length > input.limit;
  const pageRows = hasMore ? rows.slice(0, input.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  const nextCursor =
    hasMore && last
      ? encodeCursor({ needsAttention: last.needs_attention, lastMessageAt: last.key_last_message_at, createdAt: last.key_created_at, id: last.id })
      : null;
  const items = pageRows.map((row) => {
    const view = presentConversation(row);
    if (!terms) return view;
    const matchedMessage =
      row.match_message_id && row.match_message_direction && row.match_message_created_at
        ? {
            id: row.match_message_id,
            direction: row.match_message_direction,
            body: row.match_message_body ?? '',
            createdAt: new Date(row.match_message_created_at).toISOString(),
            latest: row.match_message_latest === true,
          }
        : null;
    const match = describeMatch(terms, {
      nameMatched: row.match_name === true,
      phoneMatched: row.match_phone === true,
      firstName: row.contact_first_name,
      lastName: row.contact_last_name,
      phone: row.contact_phone,
      message: matchedMessage,
    });
    return { ...view, match };
  });
  return { items, counts, attention, nextCursor };
}
