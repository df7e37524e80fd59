// A CSV upload as a browser form (multipart/form-data: `file`, and optionally `mapping` as JSON) or as a
// plain `text/csv` body (`?fileName=`, `?mapping=`), read into memory up to the import limit.
import busboy from 'busboy';
import type { Request } from 'express';
import { maxImportBytes } from '../../domain/contacts/csv-records.ts';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors.ts';

export interface CsvUpload {
  fileName: string;
  file: Buffer;
  /** The raw `mapping` field, still to be validated. */
  mapping: string | null;
}

const tooLarge = () => new PayloadTooLargeError(`The file is larger than ${maxImportBytes / 1024 / 1024} MB. Split it into smaller files.`);

export async function readCsvUpload(req: Request): Promise<CsvUpload> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('text/csv')) {
    const file = await readBody(req);
    const fileName = typeof req.query.fileName === 'string' && req.query.fileName ? req.query.fileName.slice(0, 200) : 'upload.csv';
    return { fileName, file, mapping: typeof req.query.mapping === 'string' ? req.query.mapping : null };
  }
  if (type.startsWith('multipart/form-data')) return readMultipart(req);
  throw new UnsupportedMediaTypeError('Upload the CSV as multipart/form-data (field "file") or as a text/csv body.');
}

async function readBody(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxImportBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function readMultipart(req: Request): Promise<CsvUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxImportBytes, files: 1, fields: 5, fieldSize: 64 * 1024 } });
    } catch {
      reject(new ValidationError('The upload is not valid multipart/form-data.'));
      return;
    }
    let file: Buffer | null = null;
    let fileName = 'upload.csv';
    let mapping: string | null = null;
    let failed: Error | null = null;
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return;
      }
      fileName = (info.filename || fileName).slice(0, 200);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => (failed = tooLarge()));
      stream.on('end', () => {
        if (!failed) file = Buffer.concat(chunks);
      });
    });
    parser.on('field', (name, value) => {
      if (name === 'mapping') mapping = value;
    });
    parser.on('error', () => reject(new ValidationError('The upload is not valid multipart/form-data.')));
    parser.on('close', () => {
      if (failed) reject(failed);
      else if (!file) reject(new ValidationError('Choose a CSV file to upload (form field "file").', { file: 'is required' }));
      else resolve({ fileName, file, mapping });
    });
    req.pipe(parser);
  });
}
