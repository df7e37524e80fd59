// The contacts of the current filter as CSV, streamed page by page (never the whole list in memory), in the
// columns an import reads back.
import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import type { Database } from '../../db/connection.ts';
import { findContacts, type ContactListParams } from './find-contacts.ts';

const columns = ['Phone', 'First Name', 'Last Name', 'Email', 'Tags', 'Marketing Consent', 'Opted Out', 'Opted Out At', 'Time Zone'];

export async function exportContacts(db: Database, params: Omit<ContactListParams, 'limit' | 'cursor'>, res: Response): Promise<void> {
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', 'attachment; filename="contacts.csv"');
  const csv = stringify({ header: true, columns, bom: true, record_delimiter: 'windows' });
  csv.pipe(res);
  let cursor: string | undefined;
  do {
    const page = await findContacts(db, { ...params, limit: 100, cursor });
    for (const c of page.items) {
      const ok = csv.write([c.phone, c.firstName ?? '', c.lastName ?? '', c.email ?? '', c.tags.join(', '), c.marketingConsent.status, c.optedOut ? 'yes' : 'no', c.optedOutAt ?? '', c.timeZone ?? '']);
      if (!ok) await new Promise((resolve) => csv.once('drain', resolve));
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  csv.end();
}

export async function writeCsv(res: Response, fileName: string, header: string[], rows: Array<Array<string | number>>): Promise<void> {
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${fileName.replace(/[^\w.-]+/g, '_')}"`);
  const csv = stringify({ header: true, columns: header, bom: true, record_delimiter: 'windows' });
  csv.pipe(res);
  for (const row of rows) csv.write(row);
  csv.end();
}
