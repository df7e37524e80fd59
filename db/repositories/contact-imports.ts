// Contacts imports: the stored file and mapping, progress, per-row errors, and applying one batch of rows —
// contacts, consent history, errors and progress in one transaction, so a resumed import neither skips nor
// double-counts a row.
import { QueryTypes } from 'sequelize';
import type { Database } from '../connection.ts';
import type { ImportMapping } from '../../domain/contacts/import-mapping.ts';
import type { ImportedContact } from '../../domain/contacts/import-row.ts';
import { mergeImportedContact, type ExistingContact } from '../../domain/contacts/merge-imported-contact.ts';

export type ImportStatus = 'running' | 'done' | 'failed';

export interface ContactImportRow {
  id: string;
  tenant_id: string;
  file_name: string;
  status: ImportStatus;
  total_rows: number;
  next_row: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failure: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export async function createContactImport(
  db: Database,
  input: { id: string; tenantId: string; userId: string; fileName: string; file: Buffer; mapping: ImportMapping; rows: number },
): Promise<void> {
  await db.sequelize.query(
    `INSERT INTO contact_imports (id, tenant_id, created_by_user_id, file_name, file, mapping, total_rows)
     VALUES (:id, :tenantId, :userId, :fileName, :file, :mapping::jsonb, :rows)`,
    { replacements: { ...input, mapping: JSON.stringify(input.mapping) } },
  );
}

export async function findContactImport(db: Database, tenantId: string, id: string): Promise<ContactImportRow | null> {
  const [row] = await db.sequelize.query<ContactImportRow>(
    `SELECT id, tenant_id, file_name, status, total_rows, next_row, created, updated, unchanged, skipped, failure, created_at, finished_at
       FROM contact_imports WHERE tenant_id = :tenantId AND id = :id`,
    { type: QueryTypes.SELECT, replacements: { tenantId, id } },
  );
  return row ?? null;
}

export interface ImportWork {
  tenantId: string;
  fileName: string;
  file: Buffer;
  mapping: ImportMapping;
  status: ImportStatus;
  /** Records (not spreadsheet rows) already applied. */
  nextRow: number;
  country: string;
}

export async function loadImportWork(db: Database, id: string): Promise<ImportWork | null> {
  const [row] = await db.sequelize.query<{ tenant_id: string; file_name: string; file: Buffer; mapping: ImportMapping; status: ImportStatus; next_row: number; country: string }>(
    `SELECT i.tenant_id, i.file_name, i.file, i.mapping, i.status, i.next_row, t.country
       FROM contact_imports i JOIN tenants t ON t.id = i.tenant_id WHERE i.id = :id`,
    { type: QueryTypes.SELECT, replacements: { id } },
  );
  return row ? { tenantId: row.tenant_id, fileName: row.file_name, file: row.file, mapping: row.mapping, status: row.status, nextRow: row.next_row, country: row.country } : null;
}

export interface ImportErrorRow {
  row: number;
  message: string;
}

export async function contactImportErrors(db: Database, importId: string, limit: number | null): Promise<ImportErrorRow[]> {
  return db.sequelize.query<ImportErrorRow>(
    `SELECT row_no AS row, message FROM contact_import_errors WHERE import_id = :importId ORDER BY row_no ${limit === null ? '' : 'LIMIT :limit'}`,
    { type: QueryTypes.SELECT, replacements: { importId, limit } },
  );
}

export interface ImportBatch {
  importId: string;
  tenantId: string;
  fileName: string;
  contacts: Array<{ row: number; contact: ImportedContact }>;
  errors: ImportErrorRow[];
  /** Records applied once this batch commits. */
  nextRow: number;
}

interface ExistingRow {
  id: string;
  phone: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  tags: string[];
  opted_out: boolean;
  marketing_consent: ExistingContact['marketingConsent'];
}

/** Applies one batch unless it was applied already (the import's next_row moved past it). */
export async function applyImportBatch(db: Database, batch: ImportBatch): Promise<void> {
  await db.sequelize.transaction(async (transaction) => {
    const [progress] = await db.sequelize.query<{ next_row: number }>('SELECT next_row FROM contact_imports WHERE id = :id FOR UPDATE', {
      type: QueryTypes.SELECT,
      replacements: { id: batch.importId },
      transaction,
    });
    if (!progress || progress.next_row >= batch.nextRow) return;
    const phones = batch.contacts.map((c) => c.contact.phone);
    const existing = phones.length
      ? await db.sequelize.query<ExistingRow>(
          `SELECT id, phone, first_name, last_name, email, tags, opted_out, marketing_consent
             FROM contacts WHERE tenant_id = :tenantId AND phone IN (:phones) FOR UPDATE`,
          { type: QueryTypes.SELECT, replacements: { tenantId: batch.tenantId, phones }, transaction },
        )
      : [];
    const byPhone = new Map(existing.map((e) => [e.phone, e]));
    const inserts: object[] = [];
    const updates: object[] = [];
    const consentEvents: object[] = [];
    let unchanged = 0;
    for (const { row, contact } of batch.contacts) {
      const e = byPhone.get(contact.phone) ?? null;
      const merged = mergeImportedContact(
        e && { firstName: e.first_name, lastName: e.last_name, email: e.email, tags: e.tags, optedOut: e.opted_out, marketingConsent: e.marketing_consent },
        contact,
      );
      const id = e?.id ?? crypto.randomUUID();
      const values = { id, phone: contact.phone, first_name: merged.firstName, last_name: merged.lastName, email: merged.email, tags: merged.tags, consent: merged.marketingConsent, consent_changed: merged.consentChanged };
      if (!e) inserts.push(values);
      else if (merged.changed) updates.push(values);
      else unchanged++;
      if (merged.consentChanged) consentEvents.push({ contact_id: id, status: merged.marketingConsent, evidence: `Import of ${batch.fileName}, row ${row}` });
    }
    const q = (sql: string, rows: object[]) =>
      rows.length ? db.sequelize.query(sql, { replacements: { rows: JSON.stringify(rows), tenantId: batch.tenantId, importId: batch.importId }, transaction }) : null;
    const recordset = `json_to_recordset(:rows::json) AS r(id uuid, phone text, first_name text, last_name text, email text, tags text[], consent text, consent_changed boolean)`;
    await q(
      `INSERT INTO contacts (id, tenant_id, phone, first_name, last_name, email, tags, marketing_consent, marketing_consent_source, marketing_consent_at, created_at, updated_at)
       SELECT r.id, :tenantId, r.phone, r.first_name, r.last_name, r.email, r.tags, r.consent,
              CASE WHEN r.consent_changed THEN 'import' END, CASE WHEN r.consent_changed THEN now() END, now(), now()
         FROM ${recordset}`,
      inserts,
    );
    await q(
      `UPDATE contacts c SET first_name = r.first_name, last_name = r.last_name, email = r.email, tags = r.tags,
              marketing_consent = r.consent,
              marketing_consent_source = CASE WHEN r.consent_changed THEN 'import' ELSE c.marketing_consent_source END,
              marketing_consent_at = CASE WHEN r.consent_changed THEN now() ELSE c.marketing_consent_at END,
              updated_at = now()
         FROM ${recordset} WHERE c.id = r.id AND c.tenant_id = :tenantId`,
      updates,
    );
    await q(
      `INSERT INTO contact_consent_events (id, tenant_id, contact_id, status, source, evidence, created_at)
       SELECT gen_random_uuid(), :tenantId, r.contact_id, r.status, 'import', r.evidence, now()
         FROM json_to_recordset(:rows::json) AS r(contact_id uuid, status text, evidence text)`,
      consentEvents,
    );
    await q(
      `INSERT INTO contact_import_errors (import_id, row_no, message)
       SELECT :importId, r.row, r.message FROM json_to_recordset(:rows::json) AS r("row" integer, message text)
       ON CONFLICT DO NOTHING`,
      batch.errors,
    );
    await db.sequelize.query(
      `UPDATE contact_imports SET next_row = :nextRow, created = created + :created, updated = updated + :updated,
              unchanged = unchanged + :unchanged, skipped = skipped + :skipped WHERE id = :id`,
      {
        replacements: { id: batch.importId, nextRow: batch.nextRow, created: inserts.length, updated: updates.length, unchanged, skipped: batch.errors.length },
        transaction,
      },
    );
  });
}

export async function finishContactImport(db: Database, id: string, outcome: { status: 'done' } | { status: 'failed'; failure: string }): Promise<void> {
  await db.sequelize.query(
    `UPDATE contact_imports SET status = :status, failure = :failure, finished_at = now(), file = ''::bytea WHERE id = :id AND status = 'running'`,
    { replacements: { id, status: outcome.status, failure: outcome.status === 'failed' ? outcome.failure : null } },
  );
}
