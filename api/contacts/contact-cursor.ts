// Keyset cursor of the contacts list: (createdAt with PostgreSQL's microseconds, id), opaque base64url JSON.
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { uuidPattern } from '../conversations/cursor.ts';

export interface ContactSortKey {
  createdAt: string;
  id: string;
}

const cursorSchema = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/), z.string().regex(uuidPattern)]);

export function encodeContactCursor(key: ContactSortKey): string {
  return Buffer.from(JSON.stringify([key.createdAt, key.id]), 'utf8').toString('base64url');
}

export function decodeContactCursor(cursor: string): ContactSortKey {
  const invalid = () => new ValidationError('The cursor is invalid; start again from the first page.', { cursor: 'invalid' });
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw invalid();
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (!parsed.success) throw invalid();
    return { createdAt: parsed.data[0], id: parsed.data[1] };
  } catch {
    throw invalid();
  }
}
