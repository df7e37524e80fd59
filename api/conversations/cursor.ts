// Keyset cursors: the sort key of the last row of a page, as opaque base64url JSON. Timestamps keep
// PostgreSQL's microseconds (a JS Date would round them and skip or repeat rows).
import { z } from 'zod';
import { ValidationError } from '../errors.ts';

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SortKey {
  needsAttention: boolean;
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ` or null */
  lastMessageAt: string | null;
  createdAt: string;
  id: string;
}

const timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
const cursorSchema = z.tuple([z.boolean(), timestamp.nullable(), timestamp, z.string().regex(uuidPattern)]);

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify([key.needsAttention, key.lastMessageAt, key.createdAt, key.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): SortKey {
  const invalid = () => new ValidationError('The cursor is invalid; start again from the first page.', { cursor: 'invalid' });
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) throw invalid();
  const [needsAttention, lastMessageAt, createdAt, id] = parsed.data;
  if (Number.isNaN(Date.parse(createdAt)) || (lastMessageAt !== null && Number.isNaN(Date.parse(lastMessageAt)))) throw invalid();
  return { needsAttention, lastMessageAt, createdAt, id };
}
