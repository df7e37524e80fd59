// The work of a contacts import, as one activity that heartbeats per batch: it reads the stored file from
// where the import's committed progress says, applies batches of rows (contacts, consent history, errors and
// progress together), and so resumes exactly where it was after a worker crash or a retry.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { applyImportBatch, finishContactImport, loadImportWork, type ImportBatch } from '../db/repositories/contact-imports.ts';
import { CsvFileError, csvRecords } from '../domain/contacts/csv-records.ts';
import { readImportRow } from '../domain/contacts/import-row.ts';
import type { ActivityDeps } from './types.ts';

export const importBatchSize = 1_000;

export function importContacts({ db }: Pick<ActivityDeps, 'db'>) {
  return async function importContacts({ importId }: { importId: string }): Promise<{ applied: number }> {
    const work = await loadImportWork(db, importId);
    if (!work || work.status !== 'running') return { applied: 0 };
    const heartbeat = () => {
      try {
        Context.current().heartbeat();
      } catch {
        // Outside an activity (tests call the function directly): nothing to report to.
      }
    };
    // Phones seen earlier in the file: a later row with the same phone is a duplicate, even across a resume.
    const seen = new Map<string, number>();
    let batch: ImportBatch = { importId, tenantId: work.tenantId, fileName: work.fileName, contacts: [], errors: [], nextRow: work.nextRow };
    let index = 0;
    let applied = 0;
    try {
      for await (const { row, record } of csvRecords(work.file)) {
        const result = readImportRow(record, work.mapping, work.country);
        const duplicateOf = result.ok ? seen.get(result.contact.phone) : undefined;
        if (result.ok && duplicateOf === undefined) seen.set(result.contact.phone, row);
        index++;
        if (index <= work.nextRow) continue;
        if (!result.ok) batch.errors.push({ row, message: result.message });
        else if (duplicateOf !== undefined) batch.errors.push({ row, message: `duplicate of row ${duplicateOf} (same phone number)` });
        else batch.contacts.push({ row, contact: result.contact });
        batch.nextRow = index;
        if (batch.contacts.length + batch.errors.length >= importBatchSize) {
          await applyImportBatch(db, batch);
          applied += batch.contacts.length + batch.errors.length;
          heartbeat();
          batch = { ...batch, contacts: [], errors: [] };
        }
      }
    } catch (err) {
      if (err instanceof CsvFileError) throw ApplicationFailure.nonRetryable(err.message, 'ContactImportFileError');
      throw err;
    }
    if (batch.contacts.length + batch.errors.length > 0) {
      await applyImportBatch(db, batch);
      applied += batch.contacts.length + batch.errors.length;
    }
    await finishContactImport(db, importId, { status: 'done' });
    return { applied };
  };
}

export function markContactImportFailed({ db }: Pick<ActivityDeps, 'db'>) {
  return async function markContactImportFailed({ importId, failure }: { importId: string; failure: string }): Promise<void> {
    await finishContactImport(db, importId, { status: 'failed', failure });
  };
}
