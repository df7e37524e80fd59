// The inbox lists within one status (open by default, since the lifecycle), from the inbox benchmark
// (10 tenants × 100,000 conversations):
// - conversations_status_tab_counts_idx (tenant_id, status, category, needs_attention): the tab counts
//   filter by status, which conversations_tab_counts_idx does not hold, so PostgreSQL counted over the
//   six-column conversations_inbox_status_idx instead (~10× the pages). With status second, the counts
//   of one status are again an index-only scan of a narrow, deduplicated index, in category order.
//   conversations_tab_counts_idx stays for status=all: over the new index the categories of the two
//   statuses come interleaved, and hashing 100,000 rows was slower than its in-order GroupAggregate.
// - conversations_inbox_status_order_idx replaces conversations_inbox_status_idx: the same leading
//   columns, but in the inbox order (needs_attention DESC, last_message_at DESC NULLS LAST, created_at
//   DESC, id DESC), so a tab's first page within one status reads its 31 entries and stops. The old one
//   was ascending, NULLS LAST and without id, so it could not give that order at all.
// conversations_inbox_order_idx (no status) stays for status=all's page.
import type { QueryInterface } from 'sequelize';

const upSql = `
CREATE INDEX IF NOT EXISTS conversations_status_tab_counts_idx ON conversations (tenant_id, status, category, needs_attention);
CREATE INDEX IF NOT EXISTS conversations_inbox_status_order_idx ON conversations
  (tenant_id, status, category, needs_attention DESC, last_message_at DESC NULLS LAST, created_at DESC, id DESC);
DROP INDEX IF EXISTS conversations_inbox_status_idx;
`;

const downSql = `
CREATE INDEX IF NOT EXISTS conversations_inbox_status_idx ON conversations (tenant_id, status, category, needs_attention, last_message_at, created_at);
DROP INDEX IF EXISTS conversations_inbox_status_order_idx;
DROP INDEX IF EXISTS conversations_status_tab_counts_idx;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
