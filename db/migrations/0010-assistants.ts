// SMS assistants (issue 13): an assistant per phone number with its first SMS, prompt, session
// length, handoff message, tools, booking mode, business hours (in its time zone; the tenant's
// time_zone column comes from another branch, so the zone is stored on the assistant) and reply cap.
// "A phone number has at most one assistant" is the primary key of assistant_phone_numbers.
// Sandbox sessions ("Try it") live in their own table with an expiry: nothing of them reaches the inbox.
import type { QueryInterface } from 'sequelize';

const upSql = `
CREATE TABLE assistants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL CONSTRAINT assistants_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 80),
  enabled boolean NOT NULL DEFAULT false,
  mode text NOT NULL DEFAULT 'auto' CONSTRAINT assistants_mode_check CHECK (mode IN ('auto', 'draft', 'off')),
  first_sms text NOT NULL DEFAULT '',
  sms_prompt text NOT NULL DEFAULT '' CONSTRAINT assistants_sms_prompt_check CHECK (length(sms_prompt) <= 4000),
  session_minutes integer NOT NULL DEFAULT 30 CONSTRAINT assistants_session_minutes_check CHECK (session_minutes BETWEEN 1 AND 1440),
  handoff_message text NOT NULL DEFAULT '',
  tools jsonb NOT NULL DEFAULT '{"customerLookup": true, "jobStatus": true, "availability": true, "booking": true}',
  booking_mode text NOT NULL DEFAULT 'request' CONSTRAINT assistants_booking_mode_check CHECK (booking_mode IN ('request', 'job')),
  time_zone text NOT NULL DEFAULT 'America/New_York',
  business_hours jsonb,
  after_hours text NOT NULL DEFAULT 'answer' CONSTRAINT assistants_after_hours_check CHECK (after_hours IN ('answer', 'message', 'silent')),
  after_hours_message text NOT NULL DEFAULT '',
  reply_cap integer NOT NULL DEFAULT 10 CONSTRAINT assistants_reply_cap_check CHECK (reply_cap BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assistants_tenant_id_idx ON assistants (tenant_id);

CREATE TABLE assistant_phone_numbers (
  phone_number_id uuid PRIMARY KEY REFERENCES phone_numbers (id) ON DELETE CASCADE,
  assistant_id uuid NOT NULL REFERENCES assistants (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE INDEX assistant_phone_numbers_assistant_id_idx ON assistant_phone_numbers (assistant_id);

CREATE TABLE assistant_sandbox_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  assistant_id uuid NOT NULL REFERENCES assistants (id) ON DELETE CASCADE,
  from_phone text NOT NULL,
  messages jsonb NOT NULL DEFAULT '[]',
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assistant_sandbox_sessions_expires_at_idx ON assistant_sandbox_sessions (expires_at);
`;

const downSql = `
DROP TABLE IF EXISTS assistant_sandbox_sessions;
DROP TABLE IF EXISTS assistant_phone_numbers;
DROP TABLE IF EXISTS assistants;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
