// Per-tenant inbox indexes, from the inbox benchmark (BENCHMARKS.md, 10 tenants × 1 M messages):
// - The search's trigram indexes become composite (tenant_id, column gin_trgm_ops) GIN indexes (btree_gin).
//   Every search is for one tenant; with the single-column indexes PostgreSQL either rechecked every
//   tenant's matches (a word in 0.1 % of messages: all ten tenants' rows read, nine tenths thrown away) or
//   built a 100,000-row bitmap of the tenant's contacts to AND with the name match — most of a name
//   search's time. The composite index answers "this tenant's rows containing these trigrams" directly.
//   They replace 0002's single-column trigram indexes, which nothing else uses.
// - conversations_tab_counts_idx (tenant_id, category, needs_attention): the tab counts are an index-only
//   scan over every conversation of the tenant; on this narrow, deduplicated index that is ~90 pages per
//   100,000 conversations instead of ~1,000 on the six-column inbox order index.
// The big GIN build gets more maintenance memory for the length of this migration's transaction.
import type { QueryInterface } from 'sequelize';

const upSql = `
SET LOCAL maintenance_work_mem = '512MB';
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE INDEX contacts_tenant_first_name_trgm_idx ON contacts USING gin (tenant_id, first_name gin_trgm_ops);
CREATE INDEX contacts_tenant_last_name_trgm_idx ON contacts USING gin (tenant_id, last_name gin_trgm_ops);
CREATE INDEX contacts_tenant_phone_digits_trgm_idx ON contacts USING gin (tenant_id, phone_digits gin_trgm_ops);
CREATE INDEX messages_tenant_body_trgm_idx ON messages USING gin (tenant_id, body gin_trgm_ops);
DROP INDEX IF EXISTS contacts_first_name_trgm_idx;
DROP INDEX IF EXISTS contacts_last_name_trgm_idx;
DROP INDEX IF EXISTS contacts_phone_digits_trgm_idx;
DROP INDEX IF EXISTS messages_body_trgm_idx;

CREATE INDEX conversations_tab_counts_idx ON conversations (tenant_id, category, needs_attention);
`;

// btree_gin stays: it may have existed before this migration, and dropping it would break whoever uses it.
const downSql = `
SET LOCAL maintenance_work_mem = '512MB';
DROP INDEX IF EXISTS conversations_tab_counts_idx;
CREATE INDEX IF NOT EXISTS contacts_first_name_trgm_idx ON contacts USING gin (first_name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS contacts_last_name_trgm_idx ON contacts USING gin (last_name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS contacts_phone_digits_trgm_idx ON contacts USING gin (phone_digits gin_trgm_ops);
CREATE INDEX IF NOT EXISTS messages_body_trgm_idx ON messages USING gin (body gin_trgm_ops);
DROP INDEX IF EXISTS messages_tenant_body_trgm_idx;
DROP INDEX IF EXISTS contacts_tenant_phone_digits_trgm_idx;
DROP INDEX IF EXISTS contacts_tenant_last_name_trgm_idx;
DROP INDEX IF EXISTS contacts_tenant_first_name_trgm_idx;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
