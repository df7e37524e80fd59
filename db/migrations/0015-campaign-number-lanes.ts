// Campaign sends go number by number (each from-number its own queue at its own pace): the queued
// recipients of one campaign and number, by contact id, with what decides whether they are due.
import type { QueryInterface } from 'sequelize';

const upSql = `
CREATE INDEX IF NOT EXISTS campaign_recipients_lane_idx
  ON campaign_recipients (campaign_id, phone_number_id, contact_id) INCLUDE (not_before) WHERE state = 'queued';
`;

const downSql = `
DROP INDEX IF EXISTS campaign_recipients_lane_idx;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
