// One CSV row of a contacts import → the contact it describes, or why it cannot be imported.
// Phone numbers are read in the tenant's country and stored E.164. When the file has a consent column, each
// row must say yes or no in it: an import that claims consent must show it for every contact (CTIA).
import { countryCode, parsePhone } from '../phone.ts';
import type { ImportMapping } from './import-mapping.ts';

export interface ImportedContact {
  phone: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  tags: string[];
  /** null: the file says nothing about consent */
  consent: 'granted' | 'revoked' | null;
}

export type RowResult = { ok: true; contact: ImportedContact } | { ok: false; message: string };

const yes = new Set(['yes', 'y', 'true', '1', 'granted', 'opted in', 'opt in', 'opt-in', 'subscribed', 'x']);
const no = new Set(['no', 'n', 'false', '0', 'revoked', 'opted out', 'opt out', 'opt-out', 'unsubscribed']);
const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const maxName = 100;

export function readImportRow(record: Record<string, string | undefined>, mapping: ImportMapping, country: string): RowResult {
  const cell = (header: string | undefined) => (header === undefined ? '' : (record[header] ?? '').trim());
  const rawPhone = cell(mapping.phone);
  if (!rawPhone) return { ok: false, message: 'missing phone number' };
  const phone = parsePhone(rawPhone, countryCode(country));
  if (!phone) return { ok: false, message: `bad phone number "${rawPhone.slice(0, 40)}"` };
  const firstName = cell(mapping.firstName) || null;
  const lastName = cell(mapping.lastName) || null;
  if ((firstName?.length ?? 0) > maxName || (lastName?.length ?? 0) > maxName) return { ok: false, message: `name longer than ${maxName} characters` };
  const mail = cell(mapping.email).toLowerCase() || null;
  if (mail && !email.test(mail)) return { ok: false, message: `bad email address "${mail.slice(0, 60)}"` };
  const tags = [...new Set(cell(mapping.tags).split(/[,;|]/).map((t) => t.trim().toLowerCase()).filter((t) => t && t.length <= 40))].slice(0, 20);
  let consent: ImportedContact['consent'] = null;
  if (mapping.consent !== undefined) {
    const value = cell(mapping.consent).toLowerCase();
    if (yes.has(value)) consent = 'granted';
    else if (no.has(value)) consent = 'revoked';
    else return { ok: false, message: value ? `consent "${value.slice(0, 20)}" is neither yes nor no` : 'missing consent (the file has a consent column)' };
  }
  return { ok: true, contact: { phone, firstName, lastName, email: mail, tags, consent } };
}
