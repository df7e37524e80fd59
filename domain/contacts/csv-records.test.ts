import { describe, expect, it } from 'vitest';
import { csvRecords, summarizeCsv } from './csv-records.ts';

async function all(file: Buffer, skip = 0) {
  const out = [];
  for await (const r of csvRecords(file, skip)) out.push(r);
  return out;
}

describe('csvRecords', () => {
  it('reads BOM, Excel quoting and CRLF', async () => {
    const file = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('Phone,First Name,Notes\r\n"(305) 555-0142","Maria","says ""hi"", twice"\r\n+14155550100,Dana,"two\r\nlines"\r\n\r\n'),
    ]);
    expect(await all(file)).toEqual([
      { row: 2, record: { Phone: '(305) 555-0142', 'First Name': 'Maria', Notes: 'says "hi", twice' } },
      { row: 3, record: { Phone: '+14155550100', 'First Name': 'Dana', Notes: 'two\r\nlines' } },
    ]);
  });

  it('skips records already done (a resumed import)', async () => {
    const file = Buffer.from('Phone\n1\n2\n3\n');
    expect((await all(file, 2)).map((r) => r.row)).toEqual([4]);
  });

  it('summarizes headers, row count and a sample', async () => {
    const s = await summarizeCsv(Buffer.from(' Phone ,Email\n1,a\n2,b\n3,c\n'), 2);
    expect(s).toEqual({ headers: ['Phone', 'Email'], rows: 3, sample: [{ Phone: '1', Email: 'a' }, { Phone: '2', Email: 'b' }] });
  });

  it('a broken quote is a clear error', async () => {
    await expect(summarizeCsv(Buffer.from('Phone\n"unterminated\n'))).rejects.toThrow(/not a readable CSV/);
  });
});
