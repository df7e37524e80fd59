import { describe, expect, it } from 'vitest';
import { mergeImportedContact, type ExistingContact } from './merge-imported-contact.ts';
import type { ImportedContact } from './import-row.ts';

const row = (r: Partial<ImportedContact> = {}): ImportedContact => ({ phone: '+13055550142', firstName: 'Maria', lastName: 'Garcia', email: 'maria@example.com', tags: ['vip'], consent: null, ...r });
const existing = (e: Partial<ExistingContact> = {}): ExistingContact => ({ firstName: 'Maria', lastName: 'Garcia', email: 'maria@example.com', tags: ['vip'], optedOut: false, marketingConsent: 'unknown', ...e });

describe('mergeImportedContact', () => {
  it.each([
    ['new contact', null, row({ consent: 'granted' }), { marketingConsent: 'granted', changed: true, consentChanged: true }],
    ['new contact without consent', null, row(), { marketingConsent: 'unknown', changed: true, consentChanged: false }],
    ['the same row again changes nothing', existing(), row(), { changed: false, consentChanged: false }],
    ['an empty cell never erases', existing({ email: 'old@example.com' }), row({ email: null, firstName: null }), { email: 'old@example.com', firstName: 'Maria', changed: false }],
    ['a value replaces', existing({ lastName: 'Garcia-Lopez' }), row(), { lastName: 'Garcia', changed: true }],
    ['tags are added, never removed', existing({ tags: ['plan'] }), row({ tags: ['vip', 'plan'] }), { tags: ['plan', 'vip'], changed: true }],
    ['consent follows the file', existing(), row({ consent: 'granted' }), { marketingConsent: 'granted', consentChanged: true }],
    ['no consent column keeps consent', existing({ marketingConsent: 'granted' }), row(), { marketingConsent: 'granted', changed: false }],
    ['an opted-out contact is never granted consent', existing({ optedOut: true, marketingConsent: 'revoked' }), row({ consent: 'granted' }), { marketingConsent: 'revoked', changed: false, consentChanged: false }],
    ['an opted-out contact may be revoked', existing({ optedOut: true, marketingConsent: 'unknown' }), row({ consent: 'revoked' }), { marketingConsent: 'revoked', consentChanged: true }],
  ] as const)('%s', (_n, e, r, expected) => expect(mergeImportedContact(e, r)).toMatchObject(expected));
});
