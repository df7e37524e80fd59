// Counters of rate-limiter-flexible's PostgreSQL store (RateLimiterPostgres, `tableCreated: true`): one
// row per limited key (e.g. failed sign-ins of one email), shared by every API process. `expire` is epoch
// milliseconds; the library deletes rows expired for an hour.
import type { QueryInterface } from 'sequelize';

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`
CREATE TABLE IF NOT EXISTS rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
CREATE INDEX IF NOT EXISTS rate_limits_expire_idx ON rate_limits (expire);
`);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query('DROP TABLE IF EXISTS rate_limits');
}
