// Inbox benchmark: the real finder (api/conversations/find-conversations.ts) on the generated data set —
// first page per tab, tab counts, and search by first name, last name, full name, phone fragment and
// message text — side by side with the plain ILIKE query a first implementation would write.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { QueryTypes } from 'sequelize';
import { findConversations, inboxTabs, tabCategory, type InboxTab } from '../api/conversations/find-conversations.ts';
import { escapeLike } from '../api/conversations/search.ts';
import { createDatabase, type Database } from '../db/connection.ts';
import type { BenchConfig } from './config.ts';
import { commonWords, ensureInboxDataset, firstNames, lastNames, rareWords } from './inbox-data.ts';
import { benchDataDir } from './stack.ts';
import { summarize, type Summary } from './stats.ts';

export interface InboxQueryResult {
  name: string;
  description: string;
  kind: 'list' | 'counts' | 'search';
  finder: Summary;
  naive: Summary | null;
  /** conversations matching (all tabs), mean over the measured runs */
  meanMatches: number | null;
  /** first run of each search: finder and naive agree on the tab counts */
  sameAnswer: boolean | null;
}

export interface InboxResults {
  tenants: number;
  conversationsPerTenant: number;
  messagesPerConversation: number;
  messagesPerTenant: number;
  messageCount: number;
  databaseBytes: number;
  reused: boolean;
  generatedSeconds: number;
  generatedAt?: string | null;
  runs: number;
  naiveRuns: number;
  queries: InboxQueryResult[];
  explainFile: string;
}

interface SearchKind {
  name: string;
  description: string;
  terms: string[];
}

/**
 * The plain query's WHERE: ORed ILIKEs over the join. Message text matches the way the finder matches it
 * (every word of the search starts a word of the message), written as plain ILIKEs on space-separated
 * words so the two give the same answer on this data set.
 */
function naiveConditions(term: string): { sql: string; replacements: Record<string, string> } {
  const words = term.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const replacements: Record<string, string> = { p: `%${escapeLike(term)}%` };
  words.forEach((w, i) => (replacements[`w${i}`] = `% ${escapeLike(w)}%`));
  const messageWords = words.length ? words.map((_, i) => `(' ' || m.body) ILIKE :w${i}`).join(' AND ') : 'false';
  const sql = `(ct.first_name ILIKE :p OR ct.last_name ILIKE :p OR (ct.first_name || ' ' || ct.last_name) ILIKE :p
        OR ct.phone LIKE :p OR (${messageWords}))`;
  return { sql, replacements };
}

/** What a first implementation writes: one query joining everything, ORed ILIKEs, DISTINCT. */
async function naiveSearch(db: Database, tenantId: string, tab: InboxTab, term: string): Promise<Record<string, number>> {
  const conditions = naiveConditions(term);
  const naiveConditionsSql = conditions.sql;
  const replacements = { tenantId, category: tabCategory[tab], ...conditions.replacements };
  const page = db.sequelize.query(
    `SELECT DISTINCT cv.id, cv.needs_attention, cv.last_message_at, cv.created_at, ct.first_name, ct.last_name, ct.phone
       FROM conversations cv
       JOIN contacts ct ON ct.id = cv.contact_id
       LEFT JOIN messages m ON m.conversation_id = cv.id
      WHERE cv.tenant_id = :tenantId AND cv.category = :category AND ${naiveConditionsSql}
      ORDER BY cv.needs_attention DESC, cv.last_message_at DESC NULLS LAST, cv.created_at DESC, cv.id DESC
      LIMIT 30`,
    { replacements, type: QueryTypes.SELECT },
  );
  const counts = db.sequelize.query<{ category: string; n: number }>(
    `SELECT cv.category, count(DISTINCT cv.id)::int AS n
       FROM conversations cv
       JOIN contacts ct ON ct.id = cv.contact_id
       LEFT JOIN messages m ON m.conversation_id = cv.id
      WHERE cv.tenant_id = :tenantId AND ${naiveConditionsSql}
      GROUP BY cv.category`,
    { replacements, type: QueryTypes.SELECT },
  );
  const [, rows] = await Promise.all([page, counts]);
  return Object.fromEntries(rows.map((r) => [r.category, r.n]));
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

/** Deterministic pseudo-random pick so every run of the benchmark uses the same terms. */
function picker(seed: number) {
  let s = seed >>> 0;
  return <T>(items: readonly T[]): T => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return items[s % items.length] as T;
  };
}

export async function runInboxBenchmark(adminUrl: string, cfg: BenchConfig, log: (line: string) => void): Promise<InboxResults> {
  const dataset = await ensureInboxDataset(adminUrl, cfg.inbox, log);
  log(`inbox: data set ${dataset.reused ? 'reused' : 'generated'}: ${dataset.messageCount.toLocaleString('en-US')} messages, ${(dataset.databaseBytes / 1e9).toFixed(1)} GB`);
  const captured: string[] = [];
  const db = createDatabase(dataset.url, { poolMax: 4 });
  const explainDb = createDatabase(dataset.url, { poolMax: 2, logging: (sql) => captured.push(sql.replace(/^Executing \([^)]*\): /, '')) });
  const tenants = dataset.tenantIds;
  const pick = picker(42);
  const runs = cfg.inbox.runs;
  const queries: InboxQueryResult[] = [];
  const explain: string[] = [];

  try {
    // Phone fragments people type: 4 to 7 consecutive digits of a real customer's number. The sample is
    // seeded (REPEATABLE) so runs on the same data set search for the same fragments.
    const phones = await db.sequelize.query<{ phone: string }>(
      'SELECT phone FROM contacts TABLESAMPLE SYSTEM (1) REPEATABLE (42) LIMIT 400',
      { type: QueryTypes.SELECT },
    );
    const fragments = phones.map((p, i) => {
      const digits = p.phone.slice(2);
      const len = 4 + (i % 4);
      const at = i % (digits.length - len + 1);
      return digits.slice(at, at + len);
    });
    const searches: SearchKind[] = [
      { name: 'search: first name', description: 'a first name, e.g. "Maria" (~0.6 % of contacts each)', terms: firstNames },
      { name: 'search: last name', description: 'a last name, e.g. "Garcia" (~0.75 % of contacts each)', terms: lastNames },
      {
        name: 'search: full name',
        description: '"First Last" (~0.005 % of contacts each)',
        terms: Array.from({ length: 50 }, (_, i) => `${firstNames[(i * 7) % firstNames.length]} ${lastNames[(i * 13) % lastNames.length]}`),
      },
      { name: 'search: phone fragment', description: '4–7 consecutive digits of a customer number', terms: fragments },
      { name: 'search: message word (0.1 %)', description: `a word in ~0.1 % of messages (${commonWords.join(', ')})`, terms: commonWords },
      { name: 'search: message word (rare)', description: `a word in ~0.001 % of messages (${rareWords.join(', ')})`, terms: rareWords },
    ];

    // Warm the caches the way a running inbox has them warm (not measured).
    for (let i = 0; i < 10; i++) {
      for (const tab of inboxTabs) await findConversations(db, { tenantId: pick(tenants), tab, limit: 30 });
      for (const s of searches) await findConversations(db, { tenantId: pick(tenants), tab: 'engaged', search: pick(s.terms), limit: 30 });
    }

    for (const tab of inboxTabs) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push((await timed(() => findConversations(db, { tenantId: tenants[i % tenants.length] as string, tab, limit: 30 }))).ms);
      queries.push({ name: `list: ${tab}`, description: 'first page (30) and the tab counts, as GET /api/conversations answers', kind: 'list', finder: summarize(times), naive: null, meanMatches: null, sameAnswer: null });
      log(`inbox: list ${tab}: p50 ${queries.at(-1)?.finder.p50.toFixed(1)} p95 ${queries.at(-1)?.finder.p95.toFixed(1)} ms`);
    }
    {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const tenantId = tenants[i % tenants.length] as string;
        times.push(
          (
            await timed(() =>
              db.sequelize.query(
                `SELECT cv.category, count(*)::int AS total, (count(*) FILTER (WHERE cv.needs_attention))::int AS attention
                   FROM conversations cv WHERE cv.tenant_id = :tenantId GROUP BY cv.category`,
                { replacements: { tenantId }, type: QueryTypes.SELECT },
              ),
            )
          ).ms,
        );
      }
      queries.push({ name: 'counts (no search)', description: "the finder's tab-count query alone", kind: 'counts', finder: summarize(times), naive: null, meanMatches: null, sameAnswer: null });
      log(`inbox: counts: p50 ${queries.at(-1)?.finder.p50.toFixed(1)} p95 ${queries.at(-1)?.finder.p95.toFixed(1)} ms`);
    }

    for (const s of searches) {
      const times: number[] = [];
      let matches = 0;
      for (let i = 0; i < runs; i++) {
        const tenantId = tenants[i % tenants.length] as string;
        const term = pick(s.terms);
        const r = await timed(() => findConversations(db, { tenantId, tab: 'engaged', search: term, limit: 30 }));
        times.push(r.ms);
        matches += r.value.counts.engaged + r.value.counts.opt_outs + r.value.counts.complaints;
      }
      const naiveTimes: number[] = [];
      let sameAnswer: boolean | null = null;
      for (let i = 0; i < cfg.inbox.naiveRuns; i++) {
        const tenantId = tenants[i % tenants.length] as string;
        const term = pick(s.terms);
        const r = await timed(() => naiveSearch(db, tenantId, 'engaged', term));
        naiveTimes.push(r.ms);
        if (i === 0) {
          const f = await findConversations(db, { tenantId, tab: 'engaged', search: term, limit: 30 });
          sameAnswer =
            (r.value.engaged ?? 0) === f.counts.engaged && (r.value.opt_out ?? 0) === f.counts.opt_outs && (r.value.complaint ?? 0) === f.counts.complaints;
        }
      }
      const result: InboxQueryResult = {
        name: s.name,
        description: s.description,
        kind: 'search',
        finder: summarize(times),
        naive: summarize(naiveTimes),
        meanMatches: matches / runs,
        sameAnswer,
      };
      queries.push(result);
      log(
        `inbox: ${s.name}: p50 ${result.finder.p50.toFixed(1)} p95 ${result.finder.p95.toFixed(1)} ms (mean ${result.meanMatches?.toFixed(0)} matches); ` +
          `naive p50 ${result.naive?.p50.toFixed(0)} ms; same answer ${sameAnswer}`,
      );

      // The plans behind the figure, for whoever wants to know why.
      captured.length = 0;
      const term = s.terms[0] as string;
      await findConversations(explainDb, { tenantId: tenants[0] as string, tab: 'engaged', search: term, limit: 30 });
      for (const sql of [...captured]) {
        const plan = await db.sequelize.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.replace(/;\s*$/, '')}`, { type: QueryTypes.SELECT });
        explain.push(`-- ${s.name}: "${term}"\n${sql}\n\n${plan.map((p) => p['QUERY PLAN']).join('\n')}\n`);
      }
    }
  } finally {
    await db.sequelize.close();
    await explainDb.sequelize.close();
  }
  const explainFile = join(benchDataDir, 'inbox-explain.txt');
  mkdirSync(benchDataDir, { recursive: true });
  writeFileSync(explainFile, explain.join('\n\n'));
  return {
    tenants: cfg.inbox.tenants,
    conversationsPerTenant: cfg.inbox.conversationsPerTenant,
    messagesPerConversation: cfg.inbox.messagesPerConversation,
    messagesPerTenant: cfg.inbox.conversationsPerTenant * cfg.inbox.messagesPerConversation,
    messageCount: dataset.messageCount,
    databaseBytes: dataset.databaseBytes,
    reused: dataset.reused,
    generatedSeconds: dataset.generatedSeconds,
    generatedAt: dataset.generatedAt,
    runs,
    naiveRuns: cfg.inbox.naiveRuns,
    queries,
    explainFile,
  };
}
