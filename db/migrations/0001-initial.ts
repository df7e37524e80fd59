// The initial schema. Plain SQL so the constraints are exactly what is written here: enumerations are
// TEXT + named CHECK constraints (a later migration drops and re-adds one to extend it), and ids default
// to gen_random_uuid() so rows inserted by hand or by raw SQL get one too.
// Sent as one multi-statement query, which PostgreSQL runs as a single implicit transaction: the
// migration applies completely or not at all.
import type { QueryInterface } from 'sequelize';

const e164 = `'^[+][1-9][0-9]{7,14}$'`;
const timestamps = `
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()`;

// Frozen copy of the model's default at the time of this migration.
const helpReply =
  'Thanks for texting us! A team member will reply shortly. For urgent service, call the number on your invoice. Reply STOP to opt out.';

const upSql = `
-- Trigram indexes for the inbox search (added by a later migration).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CONSTRAINT tenants_name_check CHECK (length(btrim(name)) > 0),
  twilio_account_sid text,
  twilio_auth_token text,
  help_reply text NOT NULL DEFAULT '${helpReply}',${timestamps}
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  email text NOT NULL CONSTRAINT users_email_key UNIQUE
    CONSTRAINT users_email_check CHECK (email = lower(email) AND position('@' in email) > 1),
  password_hash text NOT NULL,
  role text NOT NULL CONSTRAINT users_role_check CHECK (role IN ('admin', 'csr')),${timestamps}
);
CREATE INDEX users_tenant_id_idx ON users (tenant_id);

CREATE TABLE phone_numbers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  phone text NOT NULL CONSTRAINT phone_numbers_phone_key UNIQUE
    CONSTRAINT phone_numbers_phone_check CHECK (phone ~ ${e164}),
  label text,${timestamps}
);
CREATE INDEX phone_numbers_tenant_id_idx ON phone_numbers (tenant_id);

CREATE TABLE contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  phone text NOT NULL CONSTRAINT contacts_phone_check CHECK (phone ~ ${e164}),
  first_name text,
  last_name text,
  email text,
  opted_out boolean NOT NULL DEFAULT false,
  opted_out_at timestamptz,${timestamps},
  CONSTRAINT contacts_tenant_id_phone_key UNIQUE (tenant_id, phone)
);

CREATE TABLE conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  phone_number_id uuid NOT NULL REFERENCES phone_numbers (id) ON DELETE CASCADE,
  category text NOT NULL DEFAULT 'engaged'
    CONSTRAINT conversations_category_check CHECK (category IN ('engaged', 'opt_out', 'complaint')),
  classification_confidence real
    CONSTRAINT conversations_classification_confidence_check CHECK (classification_confidence BETWEEN 0 AND 1),
  classification_reason text,
  classification_source text
    CONSTRAINT conversations_classification_source_check CHECK (classification_source IN ('keyword', 'ai', 'csr', 'fallback')),
  needs_attention boolean NOT NULL DEFAULT false,
  last_message_at timestamptz,
  service_titan_booking_id text,
  service_titan_booking_created_at timestamptz,
  booking_status text NOT NULL DEFAULT 'none'
    CONSTRAINT conversations_booking_status_check
    CHECK (booking_status IN ('none', 'pending', 'retrying', 'created', 'failed', 'skipped')),
  booking_attempts integer NOT NULL DEFAULT 0 CONSTRAINT conversations_booking_attempts_check CHECK (booking_attempts >= 0),
  booking_last_error text,${timestamps},
  CONSTRAINT conversations_tenant_id_phone_number_id_contact_id_key UNIQUE (tenant_id, phone_number_id, contact_id)
);
-- The inbox: one tenant, one tab, needs_attention first, newest first. Scanned backwards it serves
-- ORDER BY needs_attention DESC, last_message_at DESC, created_at DESC.
CREATE INDEX conversations_inbox_idx ON conversations (tenant_id, category, needs_attention, last_message_at, created_at);
CREATE INDEX conversations_contact_id_idx ON conversations (contact_id);
CREATE INDEX conversations_phone_number_id_idx ON conversations (phone_number_id);

CREATE TABLE messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  direction text NOT NULL CONSTRAINT messages_direction_check CHECK (direction IN ('inbound', 'outbound')),
  body text NOT NULL DEFAULT '',
  status text NOT NULL CONSTRAINT messages_status_check CHECK (status IN (
    'received', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed',
    'accepted', 'scheduled', 'canceled', 'read', 'partially_delivered')),
  twilio_sid text CONSTRAINT messages_twilio_sid_key UNIQUE,
  author_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  error_code text,
  num_media integer NOT NULL DEFAULT 0 CONSTRAINT messages_num_media_check CHECK (num_media >= 0),
  media_urls jsonb NOT NULL DEFAULT '[]'::jsonb
    CONSTRAINT messages_media_urls_check CHECK (jsonb_typeof(media_urls) = 'array'),${timestamps},
  CONSTRAINT messages_inbound_status_check CHECK (direction = 'outbound' OR status = 'received')
);
CREATE INDEX messages_conversation_id_created_at_idx ON messages (conversation_id, created_at);
CREATE INDEX messages_author_user_id_idx ON messages (author_user_id) WHERE author_user_id IS NOT NULL;

CREATE TABLE servicetitan_configs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL CONSTRAINT servicetitan_configs_tenant_id_key UNIQUE REFERENCES tenants (id) ON DELETE CASCADE,
  environment text NOT NULL DEFAULT 'production'
    CONSTRAINT servicetitan_configs_environment_check CHECK (environment IN ('production', 'integration')),
  tenant_api_base_url text,
  auth_url text,
  service_titan_tenant_id text
    CONSTRAINT servicetitan_configs_service_titan_tenant_id_check CHECK (service_titan_tenant_id ~ '^[0-9]+$'),
  client_id text,
  client_secret text,
  app_key text,
  booking_provider text,
  enabled boolean NOT NULL DEFAULT false,
  booking_source_label text,
  complaint_priority text,
  business_unit_id integer,
  job_type_id integer,
  campaign_id integer,${timestamps},
  -- The settings API refuses this first; the constraint keeps any other writer honest.
  CONSTRAINT servicetitan_configs_enabled_complete_check CHECK (NOT enabled OR (
    tenant_api_base_url IS NOT NULL AND auth_url IS NOT NULL AND service_titan_tenant_id IS NOT NULL
    AND client_id IS NOT NULL AND client_secret IS NOT NULL AND app_key IS NOT NULL AND booking_provider IS NOT NULL))
);

CREATE TABLE inbound_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  message_sid text NOT NULL CONSTRAINT inbound_outbox_message_sid_key UNIQUE,
  workflow_id text NOT NULL,
  payload jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- The relay only ever scans what is still undelivered.
CREATE INDEX inbound_outbox_pending_idx ON inbound_outbox (created_at) WHERE delivered_at IS NULL;
`;

// pg_trgm stays: it may have existed before this migration, and dropping it would break whoever uses it.
const downSql = `
DROP TABLE IF EXISTS inbound_outbox;
DROP TABLE IF EXISTS servicetitan_configs;
DROP TABLE IF EXISTS messages;
DROP TABLE IF EXISTS conversations;
DROP TABLE IF EXISTS contacts;
DROP TABLE IF EXISTS phone_numbers;
DROP TABLE IF EXISTS users;
DROP TABLE IF EXISTS tenants;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
