// SMS campaigns (issue 14):
// - campaigns: what an admin wrote (body with merge fields, from-numbers, audience tags, when to send) and the
//   per-campaign options (messages per second per number, skip contacts needing a person, the N-day cap);
// - campaign_recipients: the audience frozen when the campaign starts, one row per (campaign, contact) — the
//   primary key is what makes "one message per recipient" hold across retries, restarts and pause/resume.
//   Its state moves queued → sending → sent | failed | unknown, or queued → skipped (with the reason);
//   a recipient outside their sending window stays queued with `not_before`. `message_id` is the outbound
//   message in the contact's conversation (its delivery status comes from Twilio's callbacks) and `body` the
//   text they got, so a reply or a booking can name the campaign with one join;
// - phone_number_send_pace: one row per from-number, the next free send slot (a GCRA token bucket): every
//   worker reserves its slot with one UPDATE, so the per-number rate holds across all workers.
import type { QueryInterface } from 'sequelize';

const upSql = `
CREATE TABLE campaigns (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  created_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  name text NOT NULL,
  body text NOT NULL,
  from_number_ids uuid[] NOT NULL,
  audience_tags text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'draft' CONSTRAINT campaigns_status_check
    CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'done', 'canceled')),
  send_at timestamptz,
  messages_per_second real NOT NULL DEFAULT 1 CONSTRAINT campaigns_rate_check CHECK (messages_per_second >= 0),
  skip_needs_attention boolean NOT NULL DEFAULT true,
  recent_marketing_days integer NOT NULL DEFAULT 5 CONSTRAINT campaigns_recent_days_check CHECK (recent_marketing_days >= 0),
  audience_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX campaigns_tenant_idx ON campaigns (tenant_id, created_at DESC);

CREATE TABLE campaign_recipients (
  campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  state text NOT NULL DEFAULT 'queued' CONSTRAINT campaign_recipients_state_check
    CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'unknown', 'skipped')),
  skip_reason text,
  not_before timestamptz,
  wait_reason text,
  phone_number_id uuid REFERENCES phone_numbers (id) ON DELETE SET NULL,
  message_id uuid REFERENCES messages (id) ON DELETE SET NULL,
  body text,
  error_code text,
  sent_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, contact_id)
);
CREATE INDEX campaign_recipients_due_idx ON campaign_recipients (campaign_id, not_before NULLS FIRST, contact_id) WHERE state = 'queued';
-- Marketing history of a contact across the tenant's campaigns: the N-day cap and the 3-per-24-h rule.
CREATE INDEX campaign_recipients_contact_sent_idx ON campaign_recipients (contact_id, sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX campaign_recipients_message_idx ON campaign_recipients (message_id) WHERE message_id IS NOT NULL;

CREATE TABLE phone_number_send_pace (
  phone_number_id uuid PRIMARY KEY REFERENCES phone_numbers (id) ON DELETE CASCADE,
  next_slot_at timestamptz NOT NULL
);
`;

const downSql = `
DROP TABLE IF EXISTS phone_number_send_pace;
DROP TABLE IF EXISTS campaign_recipients;
DROP TABLE IF EXISTS campaigns;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
