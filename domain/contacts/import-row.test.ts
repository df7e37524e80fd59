import { describe, expect, it } from 'vitest';
import { guessMapping, mappingProblems } from './import-mapping.ts';
import { readImportRow } from './import-row.ts';

describe('guessMapping', () => {
  it.each([
    [['Phone', 'First Name', 'Last Name', 'Email', 'Tags', 'SMS Consent'], { phone: 'Phone', firstName: 'First Name', lastName: 'Last Name', email: 'Email', tags: 'Tags', consent: 'SMS Consent' }],
    [['mobile_phone', 'given_name', 'surname'], { phone: 'mobile_phone', firstName: 'given_name', lastName: 'surname' }],
    [['Customer', 'Address'], {}],
  ] as const)('%j', (headers, expected) => expect(guessMapping(headers)).toEqual(expected));
});

describe('mappingProblems', () => {
  const headers = ['Phone', 'Name', 'Email'];
  it.each([
    [{ phone: 'Phone', firstName: 'Name' }, {}],
    [{ firstName: 'Name' }, { phone: 'choose the column that holds the phone number' }],
    [{ phone: 'Cell' }, { phone: 'the file has no column "Cell"' }],
    [{ phone: 'Phone', email: 'Phone' }, { email: '"Phone" is already used for phone' }],
  ] as const)('%j', (mapping, expected) => expect(mappingProblems(mapping, headers)).toEqual(expected));
});

describe('readImportRow', () => {
  const mapping = { phone: 'Phone', firstName: 'First', lastName: 'Last', email: 'Email', tags: 'Tags' };
  const withConsent = { ...mapping, consent: 'Consent' };
  const row = (r: Record<string, string>) => ({ Phone: '(305) 555-0142', First: ' Maria ', Last: 'Garcia', Email: 'Maria@Example.com', Tags: 'VIP; spring, vip', ...r });
  it.each([
    ['a full row', row({}), mapping, { ok: true, contact: { phone: '+13055550142', firstName: 'Maria', lastName: 'Garcia', email: 'maria@example.com', tags: ['vip', 'spring'], consent: null } }],
    ['E.164 as given', row({ Phone: '+44 20 7946 0958' }), mapping, { ok: true, contact: expect.objectContaining({ phone: '+442079460958' }) }],
    ['empty names become null', row({ First: '', Last: ' ' }), mapping, { ok: true, contact: expect.objectContaining({ firstName: null, lastName: null }) }],
    ['missing phone', row({ Phone: ' ' }), mapping, { ok: false, message: 'missing phone number' }],
    ['bad phone', row({ Phone: 'call me' }), mapping, { ok: false, message: 'bad phone number "call me"' }],
    ['bad email', row({ Email: 'maria@' }), mapping, { ok: false, message: 'bad email address "maria@"' }],
    ['consent yes', row({ Consent: 'Yes' }), withConsent, { ok: true, contact: expect.objectContaining({ consent: 'granted' }) }],
    ['consent no', row({ Consent: 'opted out' }), withConsent, { ok: true, contact: expect.objectContaining({ consent: 'revoked' }) }],
    ['consent claimed but missing', row({ Consent: '' }), withConsent, { ok: false, message: 'missing consent (the file has a consent column)' }],
    ['consent unreadable', row({ Consent: 'maybe' }), withConsent, { ok: false, message: 'consent "maybe" is neither yes nor no' }],
  ] as const)('%s', (_n, record, m, expected) => expect(readImportRow(record, m, 'US')).toEqual(expected));
});
