// What an imported row does to the contact with the same phone (duplicates are merged by phone):
// - a value in the file fills or replaces a name or email; an empty cell never erases one;
// - tags are added, never removed;
// - consent follows the file when it says yes or no — except that an opted-out contact is never granted
//   consent again (an import cannot undo an opt-out; only the customer can, by texting START);
// - the opt-out itself is never touched.
// Re-importing the same file therefore changes nothing.
import type { ImportedContact } from './import-row.ts';

export interface ExistingContact {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  tags: readonly string[];
  optedOut: boolean;
  marketingConsent: 'granted' | 'unknown' | 'revoked';
}

export interface MergedContact {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  tags: string[];
  marketingConsent: 'granted' | 'unknown' | 'revoked';
  changed: boolean;
  consentChanged: boolean;
}

export function mergeImportedContact(existing: ExistingContact | null, row: ImportedContact): MergedContact {
  if (!existing) {
    const marketingConsent = row.consent ?? 'unknown';
    return { firstName: row.firstName, lastName: row.lastName, email: row.email, tags: row.tags, marketingConsent, changed: true, consentChanged: row.consent !== null };
  }
  const tags = [...existing.tags, ...row.tags.filter((t) => !existing.tags.includes(t))];
  const wanted = row.consent ?? existing.marketingConsent;
  const marketingConsent = existing.optedOut && wanted === 'granted' ? existing.marketingConsent : wanted;
  const merged = {
    firstName: row.firstName ?? existing.firstName,
    lastName: row.lastName ?? existing.lastName,
    email: row.email ?? existing.email,
    tags,
    marketingConsent,
  };
  const consentChanged = marketingConsent !== existing.marketingConsent;
  const changed =
    consentChanged ||
    merged.firstName !== existing.firstName ||
    merged.lastName !== existing.lastName ||
    merged.email !== existing.email ||
    tags.length !== existing.tags.length;
  return { ...merged, changed, consentChanged };
}
