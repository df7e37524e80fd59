// The inbox list: one tenant, one tab, an optional search, keyset pages in the contract's order, and
// the tab counts over the same tenant and search before the tab filter.
import { QueryTypes } from 'sequelize';
import type { Database } from '../../db/connection.ts';
import type { ConversationCategory } from '../../db/models/index.ts';
import { conversationSelect } from './conversation-row.ts';
import { decodeCursor, encodeCursor, type SortKey } from './cursor.ts';
import { presentConversation, type ConversationRow, type ConversationView } from './present-conversation.ts';
import { describeMatch } from './search-match.ts';
import { matchFactsSql, matchingConversationsSql, searchTerms, type SearchTerms } from './search.ts';

export const inboxTabs = ['engaged', 'opt_outs', 'complaints'] as const;
export type InboxTab = (typeof inboxTabs)[number];

export const tabCategory: Record<InboxTab, ConversationCategory> = {
  engaged: 'engaged',
  opt_outs: 'opt_out',
  complaints: 'complaint',
};

export type TabCounts = Record<InboxTab, number>;

/** The inbox shows open conversations unless asked for resolved ones or all. */
export const statusFilters = ['open', 'resolved', 'all'] as const;
export type StatusFilter = (typeof statusFilters)[number];

export interface FindConversationsInput {
  tenantId: string;
  tab: InboxTab;
  /** Default `open`; tabs and counts apply within it. */
  status?: StatusFilter;
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

/** Counts per tab, as the API answers them, from rows per category. */
function tabCounts(rows: CountRow[]): { counts: TabCounts; attention: TabCounts } {
  const counts: TabCounts = { engaged: 0, opt_outs: 0, complaints: 0 };
  const attention: TabCounts = { engaged: 0, opt_outs: 0, complaints: 0 };
  for (const tab of inboxTabs) {
    const row = rows.find((r) => r.category === tabCategory[tab]);
    counts[tab] = row?.total ?? 0;
    attention[tab] = row?.attention ?? 0;
  }
  return { counts, attention };
}

function cursorFilter(input: FindConversationsInput): { sql: string; replacements: Record<string, string | boolean | null> } {
  if (!input.cursor) return { sql: '', replacements: {} };
  const cursor = decodeCursor(input.cursor);
  return {
    sql: `AND ${afterCursorSql(cursor)}`,
    replacements: {
      cursorNeedsAttention: cursor.needsAttention,
      cursorLastMessageAt: cursor.lastMessageAt,
      cursorCreatedAt: cursor.createdAt,
      cursorId: cursor.id,
    },
  };
}

/** The page's conversations in full, from a query of their ids (at most `limit` + 1 primary-key probes). */
const pageCteSql = (pageIdsSql: string) => `
  SELECT cv.*, ${utcMicros('cv.last_message_at')} AS key_last_message_at, ${utcMicros('cv.created_at')} AS key_created_at
    FROM (${pageIdsSql}) p JOIN conversations cv ON cv.id = p.id`;

/** What the list shows of each row of `page` (see pageCteSql). */
const pageSelectSql = () => conversationSelect('page cv').replace('SELECT ', 'SELECT cv.key_last_message_at, cv.key_created_at, ');

/** `AND alias.status = :status` unless every status is asked for. */
function statusSql(input: FindConversationsInput, alias: string): { sql: string; replacements: { status?: string } } {
  const status = input.status ?? 'open';
  return status === 'all' ? { sql: '', replacements: {} } : { sql: `AND ${alias}.status = :status`, replacements: { status } };
}

/**
 * The whole tab, no search: the counts from conversations_status_tab_counts_idx, the page from
 * conversations_inbox_status_order_idx, 31 entries read (status=all: conversations_tab_counts_idx and
 * conversations_inbox_order_idx).
 */
async function listTab(db: Database, input: FindConversationsInput): Promise<{ countRows: CountRow[]; rows: PageRow[] }> {
  const after = cursorFilter(input);
  const status = statusSql(input, 'cv');
  const countsQuery = db.sequelize.query<CountRow>(
    `SELECT cv.category, count(*)::int AS total, (count(*) FILTER (WHERE cv.needs_attention))::int AS attention
       FROM conversations cv
      WHERE cv.tenant_id = :tenantId ${status.sql}
      GROUP BY cv.category`,
    { replacements: { tenantId: input.tenantId, ...status.replacements }, type: QueryTypes.SELECT },
  );
  const pageIds = `SELECT cv.id FROM conversations cv
     WHERE cv.tenant_id = :tenantId AND cv.category = :category ${status.sql} ${after.sql}
     ORDER BY ${orderBySql}
     LIMIT :limit`;
  const pageQuery = db.sequelize.query<PageRow>(`WITH page AS (${pageCteSql(pageIds)}) ${pageSelectSql()} ORDER BY ${orderBySql}`, {
    replacements: { tenantId: input.tenantId, category: tabCategory[input.tab], limit: input.limit + 1, ...status.replacements, ...after.replacements },
    type: QueryTypes.SELECT,
  });
  const [countRows, rows] = await Promise.all([countsQuery, pageQuery]);
  return { countRows, rows };
}

interface SearchRow extends PageRow {
  tab_counts: CountRow[] | null;
}

/**
 * A search, in one statement: the matching conversations are found once (with their sort keys, see
 * matchingConversationsSql) and both the tab counts and the page come from that set; only the page's
 * rows are then read in full and told what matched. The set is MATERIALIZED so it is computed once for
 * both. Without a page row the counts still come back: the rows hang off a one-row counts select.
 */
async function searchTab(db: Database, input: FindConversationsInput, terms: SearchTerms): Promise<{ countRows: CountRow[]; rows: PageRow[] }> {
  const after = cursorFilter(input);
  const status = statusSql(input, 'm');
  const matching = matchingConversationsSql(terms);
  const facts = matchFactsSql(terms, 'r', 'page');
  const pageIds = `SELECT cv.id FROM matched cv
     WHERE cv.category = :category ${after.sql}
     ORDER BY ${orderBySql}
     LIMIT :limit`;
  const sql = `
WITH ${matching.ctes}
matched AS MATERIALIZED (SELECT m.* FROM (${matching.sql}) m WHERE true ${status.sql}),
counts AS (
  SELECT coalesce(json_agg(json_build_object('category', g.category, 'total', g.total, 'attention', g.attention)), '[]') AS tab_counts
    FROM (SELECT category, count(*)::int AS total, (count(*) FILTER (WHERE needs_attention))::int AS attention
            FROM matched GROUP BY category) g
),
page AS (${pageCteSql(pageIds)}),
${facts.ctes}
shown AS (${pageSelectSql()})
SELECT counts.tab_counts, r.*, ${facts.columns}
  FROM counts
  LEFT JOIN shown r ON true
  ${facts.joins}
 ORDER BY ${orderBySql.replaceAll('cv.', 'r.')}`;
  const found = await db.sequelize.query<SearchRow>(sql, {
    replacements: { tenantId: input.tenantId, category: tabCategory[input.tab], limit: input.limit + 1, ...status.replacements, ...matching.replacements, ...after.replacements },
    type: QueryTypes.SELECT,
  });
  const countRows = found[0]?.tab_counts ?? [];
  return { countRows, rows: found.filter((row) => row.id !== null) };
}

export async function findConversations(db: Database, input: FindConversationsInput): Promise<ConversationPage> {
  const terms = searchTerms(input.search);
  const { countRows, rows } = terms ? await searchTab(db, input, terms) : await listTab(db, input);
  const { counts, attention } = tabCounts(countRows);

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
