// EXPLAIN on tens of thousands of rows: message search uses its trigram index and the list its order index.
// Prints the plans (for the record); asserts which indexes appear where the choice is not a close
// cost call at this size, never timings.
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createPhoneNumber, createTenant } from '../../test/support/factories.ts';
import { orderBySql } from './find-conversations.ts';
import { matchingConversationsSql, searchTerms } from './search.ts';

let test: TestDatabase;
let tenantId: string;
const box = new SecretBox(Buffer.alloc(32, 5).toString('base64'));

beforeAll(async () => {
  test = await createTestDatabase();
  for (let t = 0; t < 3; t++) {
    const { tenant } = await createTenant(test.db, box);
    const number = await createPhoneNumber(test.db, { tenantId: tenant.id });
    tenantId = tenant.id;
    await test.db.sequelize.query(
      `WITH c AS (
         INSERT INTO contacts (tenant_id, phone, first_name, last_name)
         SELECT :tenantId, '+1' || (2000000000 + :offset + g)::text,
                (ARRAY['Maria','James','Aisha','Chen','Olivia','Diego','Priya','Noah'])[1 + g % 8] || g,
                (ARRAY['Garcia','Smith','Okafor','Wang','Johnson','Rossi','Patel','Nguyen'])[1 + (g / 8) % 8] || g
           FROM generate_series(1, 10000) g
         RETURNING id, tenant_id)
       INSERT INTO conversations (tenant_id, contact_id, phone_number_id, category, needs_attention, last_message_at)
       SELECT c.tenant_id, c.id, :numberId, (ARRAY['engaged','engaged','opt_out','complaint'])[1 + (random() * 3)::int],
              random() < 0.1, now() - random() * interval '30 days'
         FROM c`,
      { replacements: { tenantId: tenant.id, numberId: number.id, offset: t * 100_000 } },
    );
    await test.db.sequelize.query(
      `INSERT INTO messages (tenant_id, conversation_id, direction, body, status, created_at)
       SELECT cv.tenant_id, cv.id, 'inbound',
              (ARRAY['My AC is not cooling', 'The water heater is leaking', 'Breaker keeps tripping in the kitchen',
                     'Can you give me a quote for a new furnace?', 'Need to reschedule my appointment'])[1 + g % 5]
                || ' ref ' || md5(cv.id::text || g::text),
              'received', now() - g * interval '1 hour'
         FROM conversations cv, generate_series(1, 4) g
        WHERE cv.tenant_id = :tenantId`,
      { replacements: { tenantId: tenant.id } },
    );
  }
  await test.db.sequelize.query('ANALYZE');
});

afterAll(async () => {
  await test?.drop();
});

async function explain(sql: string, replacements: Record<string, unknown>): Promise<string> {
  const rows = await test.db.sequelize.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, { replacements, type: QueryTypes.SELECT });
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

describe('search query plans (30,000 conversations, 120,000 messages, 3 tenants)', () => {
  it.each([
    ['a name', 'Okafor13'],
    ['phone digits', '(200) 000-1234'],
    ['a rare word of a message', 'ref 0f3a'],
  ])('search by %s finds messages through the per-tenant word index', async (_what, text) => {
    const terms = searchTerms(text)!;
    const matching = matchingConversationsSql(terms);
    const plan = await explain(
      `${matching.ctes ? `WITH ${matching.ctes.replace(/,\s*$/, '')}` : ''}
       SELECT cv.id FROM (${matching.sql}) cv WHERE cv.category = 'engaged' ORDER BY ${orderBySql} LIMIT 31`,
      { tenantId, ...matching.replacements },
    );
    console.log(`-- search "${text}"\n${plan}\n`);
    expect(plan).toContain('Bitmap Index Scan on messages_tenant_body_words_idx');
    expect(plan).not.toMatch(/Seq Scan on messages/);
    // Contacts: at 10,000 per tenant PostgreSQL prefers the tenant index (or a scan) plus a filter, which
    // is cheaper there than the trigram bitmaps; the plan is printed, not asserted.
  });

  it('the unfiltered list walks the inbox order index', async () => {
    const plan = await explain(
      `SELECT cv.id FROM conversations cv WHERE cv.tenant_id = :tenantId AND cv.category = 'engaged' ORDER BY ${orderBySql} LIMIT 31`,
      { tenantId },
    );
    console.log(`-- list\n${plan}\n`);
    expect(plan).toContain('conversations_inbox_order_idx');
    expect(plan).not.toMatch(/Sort/);
  });

  it('the list of one status walks the status order index and counts from the narrow status index', async () => {
    const page = await explain(
      `SELECT cv.id FROM conversations cv WHERE cv.tenant_id = :tenantId AND cv.category = 'engaged' AND cv.status = 'open'
        ORDER BY ${orderBySql} LIMIT 31`,
      { tenantId },
    );
    console.log(`-- list (open)\n${page}\n`);
    expect(page).toContain('conversations_inbox_status_order_idx');
    expect(page).not.toMatch(/Sort/);
    // Vacuumed, as the benchmark's data set is: index-only scans are costed with a visibility map.
    await test.db.sequelize.query('VACUUM ANALYZE conversations');
    const counts = await explain(
      `SELECT cv.category, count(*)::int AS total, (count(*) FILTER (WHERE cv.needs_attention))::int AS attention
         FROM conversations cv WHERE cv.tenant_id = :tenantId AND cv.status = 'open' GROUP BY cv.category`,
      { tenantId },
    );
    console.log(`-- counts (open)\n${counts}\n`);
    expect(counts).toContain('Index Only Scan using conversations_status_tab_counts_idx');
  });
});
