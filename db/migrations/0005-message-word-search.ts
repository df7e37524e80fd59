// Message text is searched by word (prefix), not by substring. With the trigram index, a name such as
// "Chen" or "King" also matched every "kitchen" and "leaking" in the tenant's messages: about 20,000
// conversations per 100,000 for one search, read and rechecked each time (BENCHMARKS.md), and a result
// list a CSR did not ask for. A word index answers "this tenant's messages with a word starting with…"
// from the index alone, and costs less to keep up on every inbound message than a trigram index.
// Names and phone digits keep their trigram indexes: a fragment of a name or number still matches.
//
// On a large existing table this blocks writes to messages while it builds (minutes at 10 M rows); in
// production build it beforehand with CREATE INDEX CONCURRENTLY under the same name.
import type { QueryInterface } from 'sequelize';

const upSql = `
SET LOCAL maintenance_work_mem = '512MB';
CREATE INDEX IF NOT EXISTS messages_tenant_body_words_idx ON messages USING gin (tenant_id, to_tsvector('simple', body));
DROP INDEX IF EXISTS messages_tenant_body_trgm_idx;
-- Statistics for the new expression: without them the planner guesses ~2 % of a tenant's messages match
-- any word, costs the search high enough to JIT-compile it, and that alone takes longer than the query.
ANALYZE messages;
`;

const downSql = `
SET LOCAL maintenance_work_mem = '512MB';
CREATE INDEX IF NOT EXISTS messages_tenant_body_trgm_idx ON messages USING gin (tenant_id, body gin_trgm_ops);
DROP INDEX IF EXISTS messages_tenant_body_words_idx;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
