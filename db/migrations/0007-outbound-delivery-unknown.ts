// Outbound messages whose outcome is not known (issue 11.6).
// - Status `unknown`: the send may or may not have reached Twilio (its answer was lost or late). Such a
//   message is never sent again automatically; a later status callback resolves it, or a person resends.
// - `resend_of`: the message a person resent explicitly. UNIQUE, so a double-clicked resend sends one
//   more message, not two.
// - An index on tenants.twilio_account_sid: status callbacks find their tenant by `AccountSid`.
import type { QueryInterface } from 'sequelize';

const withUnknown = `'received', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed',
    'accepted', 'scheduled', 'canceled', 'read', 'partially_delivered', 'unknown'`;
const withoutUnknown = `'received', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed',
    'accepted', 'scheduled', 'canceled', 'read', 'partially_delivered'`;

const upSql = `
ALTER TABLE messages DROP CONSTRAINT messages_status_check;
ALTER TABLE messages ADD CONSTRAINT messages_status_check CHECK (status IN (${withUnknown}));
ALTER TABLE messages ADD COLUMN resend_of uuid
  CONSTRAINT messages_resend_of_key UNIQUE
  CONSTRAINT messages_resend_of_fkey REFERENCES messages (id) ON DELETE SET NULL;
CREATE INDEX tenants_twilio_account_sid_idx ON tenants (twilio_account_sid) WHERE twilio_account_sid IS NOT NULL;
`;

// Going back, an unknown outcome is shown as failed: the older schema has no word for it.
const downSql = `
DROP INDEX IF EXISTS tenants_twilio_account_sid_idx;
ALTER TABLE messages DROP COLUMN resend_of;
UPDATE messages SET status = 'failed' WHERE status = 'unknown';
ALTER TABLE messages DROP CONSTRAINT messages_status_check;
ALTER TABLE messages ADD CONSTRAINT messages_status_check CHECK (status IN (${withoutUnknown}));
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
