// A contacts CSV imported through the real API, Temporal workflow, worker and PostgreSQL: every kind of bad
// row reported exactly, duplicates merged by phone, an opt-out never cleared, and a re-import a no-op.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactPage } from '../../contract/contacts.ts';
import type { ImportView } from '../../api/contacts/contact-imports.ts';
import { ApiClient } from '../../api/conversations/api-test-client.ts';
import { createContact, createUser } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline;
let admin: ApiClient;
let csr: ApiClient;

beforeAll(async () => {
  p = await startPipeline({ serviceTitan: false });
  const a = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'admin' });
  const c = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'csr' });
  admin = new ApiClient(p.baseUrl);
  csr = new ApiClient(p.baseUrl);
  await admin.login(a.user.email, a.password);
  await csr.login(c.user.email, c.password);
  // Already known: an opted-out customer (the file claims consent for them) and one the file renames.
  await createContact(p.test.db, { tenantId: p.tenant.id, phone: '+16175550001', firstName: 'Olivia', optedOut: true, optedOutAt: new Date(), optedOutSource: 'keyword', marketingConsent: 'revoked' });
  await createContact(p.test.db, { tenantId: p.tenant.id, phone: '+16175550002', firstName: 'Jim', lastName: 'Okafor', tags: ['plan'] });
});

afterAll(async () => {
  await p?.close();
});

/**
 * 10,000 contact rows. Every 100th is bad in one of five ways (a bad phone, a duplicate of the row before,
 * no consent in the consent column, a bad email, no phone); two rows are customers we already know.
 */
function bigFile(): { csv: Buffer; expectedErrors: Array<{ row: number; message: string }>; good: number } {
  const rows: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const phone = `+1212${String(5_000_000 + i).padStart(7, '0')}`;
    const kind = i % 100 === 7 ? ((i / 100) | 0) % 5 : -1;
    if (kind === 0) rows.push('not a phone,Bad,Phone,,,yes');
    else if (kind === 1) rows.push(`${phone},Dup,Licate,,,yes`, `${phone},Dup,Again,,,yes`);
    else if (kind === 2) rows.push(`${phone},No,Consent,,,`);
    else if (kind === 3) rows.push(`${phone},Bad,Email,nope@,,yes`);
    else if (kind === 4) rows.push(',Missing,Phone,,,yes');
    else rows.push(`"${phone}","First ${i}","Last, ${i}",user${i}@example.com,"spring, promo",yes`);
  }
  rows.push('(617) 555-0001,Olivia,Rossi,,vip,yes', '617-555-0002,James,,,vip,no');
  // What the report must say, row by row (the header is row 1).
  const expectedErrors: Array<{ row: number; message: string }> = [];
  const seen = new Map<string, number>();
  rows.forEach((line, idx) => {
    const row = idx + 2;
    const phone = line.split(',')[0]?.replace(/"/g, '') ?? '';
    if (line.startsWith('not a phone')) expectedErrors.push({ row, message: 'bad phone number "not a phone"' });
    else if (line.startsWith(',')) expectedErrors.push({ row, message: 'missing phone number' });
    else if (line.includes(',No,Consent,')) expectedErrors.push({ row, message: 'missing consent (the file has a consent column)' });
    else if (line.includes('nope@')) expectedErrors.push({ row, message: 'bad email address "nope@"' });
    else if (seen.has(phone)) expectedErrors.push({ row, message: `duplicate of row ${seen.get(phone)} (same phone number)` });
    else seen.set(phone, row);
  });
  const csv = Buffer.from(['\uFEFFPhone,First Name,Last Name,Email,Tags,SMS Consent', ...rows].join('\r\n') + '\r\n');
  return { csv, expectedErrors, good: rows.length - expectedErrors.length };
}

async function upload(path: string, csv: Buffer, mapping?: object): Promise<{ status: number; body: unknown }> {
  const qs = new URLSearchParams({ fileName: 'customers.csv', ...(mapping ? { mapping: JSON.stringify(mapping) } : {}) });
  const res = await fetch(`${p.baseUrl}${path}?${qs}`, { method: 'POST', headers: { 'content-type': 'text/csv', cookie: admin.cookie ?? '' }, body: new Uint8Array(csv) });
  return { status: res.status, body: await res.json() };
}

async function finished(importId: string): Promise<ImportView> {
  return waitFor(
    async () => {
      const res = await admin.get<ImportView>(`/api/contacts/imports/${importId}`);
      return res.body.status !== 'running' ? res.body : null;
    },
    { timeoutMs: 120_000, what: `import ${importId} to finish` },
  );
}

describe('contacts CSV import', () => {
  const file = bigFile();
  let first: ImportView;

  it('previews headers, a sample and the guessed mapping without storing anything', async () => {
    const res = await upload('/api/contacts/imports/preview', file.csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      headers: ['Phone', 'First Name', 'Last Name', 'Email', 'Tags', 'SMS Consent'],
      rows: file.good + file.expectedErrors.length,
      mapping: { phone: 'Phone', firstName: 'First Name', lastName: 'Last Name', email: 'Email', tags: 'Tags', consent: 'SMS Consent' },
    });
    const [{ n }] = (await p.test.db.sequelize.query('SELECT count(*)::int AS n FROM contact_imports', { plain: false, raw: true }))[0] as [{ n: number }];
    expect(n).toBe(0);
  });

  it('imports 10,000 rows as a workflow and reports every bad row exactly', async () => {
    const res = await upload('/api/contacts/imports', file.csv);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    first = await finished((res.body as { importId: string }).importId);
    expect(first.status).toBe('done');
    expect(first.skipped).toBe(file.expectedErrors.length);
    expect(first.created + first.updated + first.unchanged).toBe(file.good);
    expect(first.updated).toBe(2);
    const report = await fetch(`${p.baseUrl}/api/contacts/imports/${first.id}/errors.csv`, { headers: { cookie: admin.cookie ?? '' } });
    const lines = (await report.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Row,Problem');
    expect(lines.slice(1)).toEqual(file.expectedErrors.map((e) => `${e.row},${e.message.includes(',') || e.message.includes('"') ? `"${e.message.replace(/"/g, '""')}"` : e.message}`));
  });

  it('merges by phone, adds tags, and never clears an opt-out or grants it consent', async () => {
    const olivia = (await csr.get<ContactPage>('/api/contacts?search=6175550001')).body.items[0];
    expect(olivia).toMatchObject({ optedOut: true, lastName: 'Rossi', tags: ['vip'], marketingConsent: { status: 'revoked' } });
    const jim = (await csr.get<ContactPage>('/api/contacts?search=6175550002')).body.items[0];
    expect(jim).toMatchObject({ firstName: 'James', lastName: 'Okafor', tags: ['plan', 'vip'], marketingConsent: { status: 'revoked', source: 'import' } });
    const quoted = (await csr.get<ContactPage>('/api/contacts?search=2125000011')).body.items[0];
    expect(quoted).toMatchObject({ lastName: 'Last, 11', tags: ['spring', 'promo'], marketingConsent: { status: 'granted', source: 'import' } });
  });

  it('re-importing the same file changes nothing', async () => {
    const before = await p.test.db.sequelize.query('SELECT id, first_name, last_name, email, tags, marketing_consent, updated_at FROM contacts ORDER BY id');
    const res = await upload('/api/contacts/imports', file.csv);
    const again = await finished((res.body as { importId: string }).importId);
    expect(again).toMatchObject({ status: 'done', created: 0, updated: 0, unchanged: file.good, skipped: file.expectedErrors.length });
    const after = await p.test.db.sequelize.query('SELECT id, first_name, last_name, email, tags, marketing_consent, updated_at FROM contacts ORDER BY id');
    expect(after[0]).toEqual(before[0]);
  });

  it.each([
    ['no phone column', Buffer.from('Name,Email\nA,a@example.com\n'), undefined, 400, /phone/],
    ['a mapping naming a missing column', Buffer.from('Phone\n+16175550100\n'), { phone: 'Mobile' }, 400, /no column "Mobile"/],
    ['a broken quote', Buffer.from('Phone\n"+1617\n'), undefined, 400, /not a readable CSV/],
    ['an empty file', Buffer.from(''), undefined, 400, /empty/],
  ])('refuses %s with a clear 400 and stores nothing', async (_n, csv, mapping, status, message) => {
    const res = await upload('/api/contacts/imports', csv, mapping);
    expect(res.status).toBe(status);
    expect((res.body as { error: string }).error).toMatch(message);
  });

  it('a CSR cannot import', async () => {
    const res = await fetch(`${p.baseUrl}/api/contacts/imports`, { method: 'POST', headers: { 'content-type': 'text/csv', cookie: csr.cookie ?? '' }, body: 'Phone\n+16175550100\n' });
    expect(res.status).toBe(403);
  });

  it('exports the filter as CSV that an import reads back', async () => {
    const res = await fetch(`${p.baseUrl}/api/contacts/export?tag=vip`, { headers: { cookie: csr.cookie ?? '' } });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Phone,First Name,Last Name,Email,Tags,Marketing Consent,Opted Out,Opted Out At,Time Zone');
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(['+16175550001', '+16175550002']);
  });
});
