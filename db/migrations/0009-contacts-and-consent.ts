// Contacts become a list a business manages, not only "whoever texted us":
// - tags (text[], GIN) pick campaign audiences; email is searchable (per-tenant trigram index, as names are);
// - marketing consent (granted / unknown / revoked) with its source and time on the contact, and every
//   change kept in contact_consent_events with the evidence a person or an import gave (CTIA: consent on record);
// - how an opt-out happened (keyword, classifier, person, carrier) beside when;
// - a contact's own time zone when known (campaign quiet hours follow the recipient's clock);
// - the tenant's country (parses national phone formats) and time zone (the last fallback for quiet hours);
// - CSV imports: the uploaded file (at most 20 MB) and the column mapping, the import's progress (written in
//   the same transaction as each batch of contacts, so a resumed import counts every row once) and its
//   per-row errors.
import type { QueryInterface } from 'sequelize';

const upSql = `
ALTER TABLE tenants
  ADD COLUMN country text NOT NULL DEFAULT 'US' CONSTRAINT tenants_country_check CHECK (country ~ '^[A-Z]{2}$'),
  ADD COLUMN time_zone text NOT NULL DEFAULT 'America/New_York';

ALTER TABLE contacts
  ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
  ADD COLUMN time_zone text,
  ADD COLUMN opted_out_source text CONSTRAINT contacts_opted_out_source_check
    CHECK (opted_out_source IN ('keyword', 'classifier', 'person', 'carrier')),
  ADD COLUMN marketing_consent text NOT NULL DEFAULT 'unknown' CONSTRAINT contacts_marketing_consent_check
    CHECK (marketing_consent IN ('granted', 'unknown', 'revoked')),
  ADD COLUMN marketing_consent_source text,
  ADD COLUMN marketing_consent_at timestamptz;

CREATE INDEX contacts_tenant_tags_idx ON contacts USING gin (tenant_id, tags);
CREATE INDEX contacts_tenant_email_trgm_idx ON contacts USING gin (tenant_id, email gin_trgm_ops);
CREATE INDEX contacts_tenant_order_idx ON contacts (tenant_id, created_at DESC, id DESC);

CREATE TABLE contact_consent_events (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  status text NOT NULL CONSTRAINT contact_consent_events_status_check CHECK (status IN ('granted', 'unknown', 'revoked')),
  source text NOT NULL,
  evidence text,
  actor_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_consent_events_contact_idx ON contact_consent_events (contact_id, created_at);

CREATE TABLE contact_imports (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  created_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  file_name text NOT NULL,
  file bytea NOT NULL,
  mapping jsonb NOT NULL,
  status text NOT NULL DEFAULT 'running' CONSTRAINT contact_imports_status_check CHECK (status IN ('running', 'done', 'failed')),
  total_rows integer NOT NULL,
  next_row integer NOT NULL DEFAULT 0,
  created integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  skipped integer NOT NULL DEFAULT 0,
  failure text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX contact_imports_tenant_idx ON contact_imports (tenant_id, created_at DESC);

CREATE TABLE contact_import_errors (
  import_id uuid NOT NULL REFERENCES contact_imports (id) ON DELETE CASCADE,
  row_no integer NOT NULL,
  message text NOT NULL,
  PRIMARY KEY (import_id, row_no)
);
`;

const downSql = `
DROP TABLE IF EXISTS contact_import_errors;
DROP TABLE IF EXISTS contact_imports;
DROP TABLE IF EXISTS contact_consent_events;
DROP INDEX IF EXISTS contacts_tenant_order_idx;
DROP INDEX IF EXISTS contacts_tenant_email_trgm_idx;
DROP INDEX IF EXISTS contacts_tenant_tags_idx;
ALTER TABLE contacts
  DROP COLUMN IF EXISTS marketing_consent_at,
  DROP COLUMN IF EXISTS marketing_consent_source,
  DROP COLUMN IF EXISTS marketing_consent,
  DROP COLUMN IF EXISTS opted_out_source,
  DROP COLUMN IF EXISTS time_zone,
  DROP COLUMN IF EXISTS tags;
ALTER TABLE tenants DROP COLUMN IF EXISTS time_zone, DROP COLUMN IF EXISTS country;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
