// Contacts benchmark: the real contacts finder (api/contacts/find-contacts.ts) over the inbox data set's
// contacts (100,000 per tenant at full scale), after giving them emails and tags once: first page, search by
// first name, last name, full name, phone digits and email fragment, and a tag filter. Target: p95 ≤ 50 ms.
import { performance } from 'node:perf_hooks';
import { QueryTypes } from 'sequelize';
import { findContacts } from '../api/contacts/find-contacts.ts';
import { createDatabase } from '../db/connection.ts';
import type { BenchConfig } from './config.ts';
import { ensureInboxDataset, firstNames, lastNames } from './inbox-data.ts';
import { summarize, type Summary } from './stats.ts';

export interface ContactsQueryResult {
  name: string;
  description: string;
  summary: Summary;
  meanItems: number;
}

export interface ContactsResults {
  tenants: number;
  contactsPerTenant: number;
  runs: number;
  queries: ContactsQueryResult[];
}

export const contactsTargetP95Ms = 50;

const tags = ['vip', 'maintenance-plan', 'spring-promo', 'commercial', 'new-construction'];

export async function runContactsBenchmark(adminUrl: string, cfg: BenchConfig, log: (line: string) => void): Promise<ContactsResults> {
  const dataset = await ensureInboxDataset(adminUrl, cfg.inbox, log);
  const db = createDatabase(dataset.url, { poolMax: 4 });
  try {
    // Tags once per data set, and an email for every contact the generator left without one (it gives
    // about 30 % an email, and no tags: before this check looked at emails, no contact got a tag and the
    // tag filter measured a tag nobody has).
    const [{ missing }] = (await db.sequelize.query<{ missing: boolean }>("SELECT NOT EXISTS (SELECT 1 FROM contacts WHERE tags <> '{}') AS missing", {
      type: QueryTypes.SELECT,
    })) as [{ missing: boolean }];
    if (missing) {
      const t0 = Date.now();
      await db.sequelize.query(
        `UPDATE contacts SET email = coalesce(email, lower(first_name) || '.' || lower(last_name) || '.' || substr(phone_digits, 8) || '@example.com'),
                tags = CASE WHEN abs(hashtext(id::text)) % 50 < 5 THEN ARRAY[:t0] WHEN abs(hashtext(id::text)) % 50 < 10 THEN ARRAY[:t1, :t2]
                            WHEN abs(hashtext(id::text)) % 50 < 12 THEN ARRAY[:t3] ELSE '{}' END`,
        { replacements: { t0: tags[0], t1: tags[1], t2: tags[2], t3: tags[3] } },
      );
      await db.sequelize.query('VACUUM ANALYZE contacts');
      log(`contacts: emails and tags added (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
    const phones = await db.sequelize.query<{ phone: string }>('SELECT phone FROM contacts TABLESAMPLE SYSTEM (1) LIMIT 200', { type: QueryTypes.SELECT });
    const kinds: Array<{ name: string; description: string; params: (i: number) => { search?: string; tag?: string } }> = [
      { name: 'first page', description: 'newest 50 contacts, no filter', params: () => ({}) },
      { name: 'search: first name', description: 'e.g. "Maria"', params: (i) => ({ search: firstNames[i % firstNames.length] }) },
      { name: 'search: last name', description: 'e.g. "Garcia"', params: (i) => ({ search: lastNames[(i * 3) % lastNames.length] }) },
      { name: 'search: full name', description: '"First Last"', params: (i) => ({ search: `${firstNames[(i * 7) % firstNames.length]} ${lastNames[(i * 13) % lastNames.length]}` }) },
      { name: 'search: phone digits', description: '4–7 digits of a customer number', params: (i) => ({ search: (phones[i % phones.length]?.phone ?? '+15555550142').slice(5, 9 + (i % 4)) }) },
      { name: 'search: email fragment', description: 'e.g. "maria.gar"', params: (i) => ({ search: `${(firstNames[i % firstNames.length] ?? 'maria').toLowerCase()}.${(lastNames[i % lastNames.length] ?? 'garcia').toLowerCase().slice(0, 3)}` }) },
      { name: 'tag filter', description: 'contacts tagged "vip" (~10 %)', params: () => ({ tag: 'vip' }) },
      { name: 'tag filter (rare)', description: 'contacts tagged "commercial" (~4 %)', params: () => ({ tag: 'commercial' }) },
      { name: 'tag filter (nobody)', description: 'a tag no contact has', params: () => ({ tag: 'new-construction' }) },
    ];
    const queries: ContactsQueryResult[] = [];
    for (const kind of kinds) {
      const times: number[] = [];
      let items = 0;
      for (let i = -5; i < cfg.inbox.runs; i++) {
        const tenantId = dataset.tenantIds[Math.abs(i) % dataset.tenantIds.length] as string;
        const t = performance.now();
        const page = await findContacts(db, { tenantId, limit: 50, ...kind.params(Math.abs(i)) });
        if (i >= 0) {
          times.push(performance.now() - t);
          items += page.items.length;
        }
      }
      const summary = summarize(times);
      queries.push({ name: kind.name, description: kind.description, summary, meanItems: items / times.length });
      log(`contacts: ${kind.name}: p50 ${summary.p50.toFixed(1)} ms, p95 ${summary.p95.toFixed(1)} ms`);
    }
    return { tenants: dataset.tenantIds.length, contactsPerTenant: cfg.inbox.conversationsPerTenant, runs: cfg.inbox.runs, queries };
  } finally {
    await db.sequelize.close();
  }
}
