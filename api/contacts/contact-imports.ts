// Contacts imports: preview (headers, a sample and the guessed mapping, nothing stored), start (the file and
// mapping stored, then one Temporal workflow does the rows — never the request), progress and the error report.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Database } from '../../db/connection.ts';
import { contactImportErrors, createContactImport, findContactImport } from '../../db/repositories/contact-imports.ts';
import { CsvFileError, maxImportRows, summarizeCsv, type CsvRecord } from '../../domain/contacts/csv-records.ts';
import { guessMapping, importFields, mappingProblems, type ImportField, type ImportMapping } from '../../domain/contacts/import-mapping.ts';
import type { SessionUser } from '../auth/request-auth.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { contactImportWorkflow, contactImportWorkflowId } from '../../workflows/contact-import.ts';
import type { CsvUpload } from './read-csv-upload.ts';

export interface ImportPreview {
  fileName: string;
  headers: string[];
  rows: number;
  sample: CsvRecord[];
  mapping: Partial<Record<ImportField, string>>;
}

export interface ImportView {
  id: string;
  fileName: string;
  status: 'running' | 'done' | 'failed';
  rows: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: Array<{ row: number; message: string }>;
  errorCount: number;
  failure: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** The first errors shown in JSON; the whole list is the CSV report. */
const errorsInJson = 200;

function requireAdmin(user: SessionUser): void {
  if (user.role !== 'admin') throw new ForbiddenError('Only an admin can import contacts.');
}

async function summarize(upload: CsvUpload) {
  try {
    const summary = await summarizeCsv(upload.file);
    if (summary.headers.length === 0) throw new ValidationError('The file is empty: the first row must name the columns.', { file: 'is empty' });
    if (summary.rows > maxImportRows) {
      throw new ValidationError(`The file has ${summary.rows.toLocaleString('en-US')} rows; an import takes at most ${maxImportRows.toLocaleString('en-US')}.`, { file: 'too many rows' });
    }
    return summary;
  } catch (err) {
    if (err instanceof CsvFileError) throw new ValidationError(err.message, { file: 'not a readable CSV' });
    throw err;
  }
}

export async function previewImport(user: SessionUser, upload: CsvUpload): Promise<ImportPreview> {
  requireAdmin(user);
  const summary = await summarize(upload);
  return { fileName: upload.fileName, headers: summary.headers, rows: summary.rows, sample: summary.sample, mapping: guessMapping(summary.headers) };
}

const mappingSchema = z.partialRecord(z.enum(importFields), z.string().min(1)).optional();

export async function startImport(deps: { db: Database; temporal: Client; taskQueue: string }, user: SessionUser, upload: CsvUpload): Promise<{ importId: string }> {
  requireAdmin(user);
  const summary = await summarize(upload);
  let requested: Partial<Record<ImportField, string>> | undefined;
  if (upload.mapping !== null) {
    let raw: unknown;
    try {
      raw = JSON.parse(upload.mapping);
    } catch {
      throw new ValidationError('mapping must be JSON, e.g. {"phone": "Mobile", "firstName": "First Name"}', { mapping: 'not JSON' });
    }
    const parsed = mappingSchema.safeParse(raw);
    if (!parsed.success) throw new ValidationError(`mapping: use the fields ${importFields.join(', ')}, each naming a column`, { mapping: 'invalid' });
    requested = parsed.data;
  }
  const mapping = requested ?? guessMapping(summary.headers);
  const problems = mappingProblems(mapping, summary.headers);
  const first = Object.entries(problems)[0];
  if (first) throw new ValidationError(`mapping.${first[0]}: ${first[1]}`, Object.fromEntries(Object.entries(problems).map(([k, v]) => [`mapping.${k}`, v])));
  const importId = randomUUID();
  await createContactImport(deps.db, { id: importId, tenantId: user.tenantId, userId: user.id, fileName: upload.fileName, file: upload.file, mapping: mapping as ImportMapping, rows: summary.rows });
  await deps.temporal.workflow.start(contactImportWorkflow, {
    workflowId: contactImportWorkflowId(user.tenantId, importId),
    taskQueue: deps.taskQueue,
    args: [{ importId, tenantId: user.tenantId }],
  });
  return { importId };
}

export function importNotFound(): NotFoundError {
  return new NotFoundError('No such import.');
}

export async function getImport(db: Database, user: SessionUser, id: string): Promise<ImportView> {
  const row = await findContactImport(db, user.tenantId, id);
  if (!row) throw importNotFound();
  const errors = await contactImportErrors(db, id, errorsInJson);
  return {
    id: row.id,
    fileName: row.file_name,
    status: row.status,
    rows: row.total_rows,
    processed: row.next_row,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    skipped: row.skipped,
    errors,
    errorCount: row.skipped,
    failure: row.failure,
    createdAt: new Date(row.created_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}
