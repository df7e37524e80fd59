// The records of a contacts CSV as a spreadsheet would show them: UTF-8 with or without a BOM, Excel's
// quoting (embedded commas, quotes and line breaks), CRLF or LF, the first row as headers.
// Parsing streams over the in-memory file so a 20 MB file never blocks the event loop for long.
import { Readable } from 'node:stream';
import { parse, type Options } from 'csv-parse';

export const maxImportRows = 100_000;
export const maxImportBytes = 20 * 1024 * 1024;

export type CsvRecord = Record<string, string | undefined>;

/** Row numbers as in a spreadsheet: the header is row 1, the first contact row 2. */
export const firstDataRow = 2;

const options: Options = {
  bom: true,
  columns: (header: string[]) => header.map((h) => h.trim()),
  skip_empty_lines: true,
  relax_column_count: true,
  trim: false,
};

export class CsvFileError extends Error {}

/** Every record after `skip` records, with its spreadsheet row number. */
export async function* csvRecords(file: Buffer, skip = 0): AsyncGenerator<{ row: number; record: CsvRecord }> {
  let index = 0;
  try {
    for await (const record of Readable.from([file]).pipe(parse(options)) as AsyncIterable<CsvRecord>) {
      if (index >= skip) yield { row: index + firstDataRow, record };
      index++;
    }
  } catch (err) {
    throw new CsvFileError(`The file is not a readable CSV: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

export interface CsvSummary {
  headers: string[];
  rows: number;
  sample: CsvRecord[];
}

/** Headers, row count and the first rows, for the mapping step and the upload's own checks. */
export async function summarizeCsv(file: Buffer, sampleSize = 5): Promise<CsvSummary> {
  let headers: string[] = [];
  const parser = Readable.from([file]).pipe(
    parse({ ...options, columns: (h: string[]) => (headers = h.map((x) => x.trim())) }),
  ) as AsyncIterable<CsvRecord>;
  let rows = 0;
  const sample: CsvRecord[] = [];
  try {
    for await (const record of parser) {
      if (rows < sampleSize) sample.push(record);
      rows++;
    }
  } catch (err) {
    throw new CsvFileError(`The file is not a readable CSV: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  return { headers, rows, sample };
}
