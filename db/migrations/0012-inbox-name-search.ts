// Inbox search by name, from the inbox benchmark (10 tenants × 100,000 conversations × 10 messages):
// - contacts_tenant_full_name_trgm_idx: one per-tenant trigram index over "first last", so a name search
//   is one GIN scan for all its words ("maria garc" → both in the name), instead of a bitmap per word and
//   column ORed and ANDed. The expression is exactly the one api/conversations/search.ts writes.
//   The first/last-name trigram indexes stay: the contacts API searches those columns one by one.
// - conversations_contact_inbox_idx replaces conversations_contact_id_idx (same leading column, so the
//   foreign key's lookups keep their index): it also carries what the inbox sorts, counts and filters by
//   (status: open / resolved), so the
//   matches of a name become their conversations' sort keys with an index-only scan, not one heap visit
//   per match (744 for "Maria", most of that search's time).
// The GIN build gets more maintenance memory for the length of this migration's transaction. On a large
// table build them beforehand with CREATE INDEX CONCURRENTLY under the same names.
import type { QueryInterface } from 'sequelize';

const upSql = `
SET LOCAL maintenance_work_mem = '512MB';
CREATE INDEX IF NOT EXISTS contacts_tenant_full_name_trgm_idx
  ON contacts USING gin (tenant_id, (coalesce(first_name, '') || ' ' || coalesce(last_name, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS conversations_contact_inbox_idx
  ON conversations (contact_id) INCLUDE (id, tenant_id, category, needs_attention, last_message_at, created_at, status);
DROP INDEX IF EXISTS conversations_contact_id_idx;
-- Statistics for the new expression (the planner's row estimates for the name match).
ANALYZE contacts;
`;

const downSql = `
CREATE INDEX IF NOT EXISTS conversations_contact_id_idx ON conversations (contact_id);
DROP INDEX IF EXISTS conversations_contact_inbox_idx;
DROP INDEX IF EXISTS contacts_tenant_full_name_trgm_idx;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
