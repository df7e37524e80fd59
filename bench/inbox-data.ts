// The inbox benchmark's data set: N tenants × C conversations × M messages, generated with set-based SQL
// (INSERT … SELECT generate_series) into a dedicated database that is kept between runs. A marker table
// records the sizes it was built with; a different size (or a half-built database) is rebuilt.
// Secondary indexes are dropped during the load and rebuilt afterwards (much faster than maintaining a
// trigram GIN index row by row), then everything is VACUUM ANALYZEd.
import pg from 'pg';
import { createSequelize } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';

export interface InboxDataSize {
  tenants: number;
  conversationsPerTenant: number;
  messagesPerConversation: number;
}

/** Words planted in ~0.1 % of messages each, and much rarer ones (~0.001 % each). */
export const commonWords = ['dehumidifier', 'crawlspace', 'thermocouple', 'backflow', 'sediment'];
export const rareWords = ['wainscoting', 'ozonator', 'heliotrope', 'quartzite', 'gazebo'];

export const firstNames = [
  'Maria', 'James', 'Aisha', 'Chen', 'Olivia', 'Diego', 'Priya', 'Noah', 'Emma', 'Liam', 'Sophia', 'Mason', 'Isabella',
  'Ethan', 'Mia', 'Lucas', 'Amelia', 'Logan', 'Harper', 'Elijah', 'Evelyn', 'Oliver', 'Abigail', 'Jacob', 'Emily',
  'Michael', 'Ella', 'Daniel', 'Avery', 'Henry', 'Scarlett', 'Jackson', 'Grace', 'Sebastian', 'Chloe', 'Aiden',
  'Victoria', 'Matthew', 'Riley', 'Samuel', 'Aria', 'David', 'Lily', 'Joseph', 'Aubrey', 'Carter', 'Zoey', 'Owen',
  'Penelope', 'Wyatt', 'Layla', 'John', 'Nora', 'Jack', 'Camila', 'Luke', 'Hannah', 'Jayden', 'Addison', 'Dylan',
  'Eleanor', 'Grayson', 'Stella', 'Levi', 'Natalie', 'Isaac', 'Zoe', 'Gabriel', 'Leah', 'Julian', 'Hazel', 'Mateo',
  'Violet', 'Anthony', 'Aurora', 'Jaxon', 'Savannah', 'Lincoln', 'Audrey', 'Joshua', 'Brooklyn', 'Christopher',
  'Bella', 'Andrew', 'Claire', 'Theodore', 'Skylar', 'Caleb', 'Lucy', 'Ryan', 'Paisley', 'Asher', 'Everly', 'Nathan',
  'Anna', 'Thomas', 'Caroline', 'Leo', 'Nova', 'Isaiah', 'Genesis', 'Fatima', 'Kwame', 'Yuki', 'Ananya', 'Mohammed',
];
export const lastNames = [
  'Garcia', 'Smith', 'Okafor', 'Wang', 'Johnson', 'Rossi', 'Patel', 'Nguyen', 'Williams', 'Brown', 'Jones', 'Miller',
  'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor',
  'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis',
  'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Hill', 'Flores', 'Green', 'Adams',
  'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans',
  'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook',
  'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim',
  'Cox', 'Ward', 'Richardson', 'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz',
  'Hughes', 'Price', 'Alvarez', 'Castillo', 'Sanders', 'Kowalski', 'Schmidt', 'Yamamoto', 'Ivanova', 'Haddad',
];
const areaCodes = ['512', '737', '214', '469', '972', '713', '281', '832', '210', '726', '817', '682', '915', '806', '254', '361', '409', '430', '903', '940'];

const openers = [
  'Hi,', 'Hello,', 'Hey there,', 'Good morning,', 'Good afternoon,', 'Hi team,', 'Quick question,', 'Hello again,',
  'Hi, it is me again,', 'Evening,', 'Hey,', 'Hi folks,',
];
const issues = [
  'my AC stopped blowing cold air', 'the furnace makes a loud banging noise', 'water heater is leaking from the bottom',
  'the kitchen sink drain is clogged', 'our heat pump keeps short cycling', 'the upstairs bathroom toilet runs all night',
  'there is no hot water since yesterday', 'the outdoor unit is frozen over', 'breaker trips whenever the dryer runs',
  'the garbage disposal hums but does not spin', 'we smell gas near the stove', 'the thermostat screen is blank',
  'the attic fan is rattling', 'a pipe burst under the house', 'the air handler is dripping into the ceiling',
  'the vents blow warm air upstairs', 'my outlet sparked when I plugged in the vacuum', 'the shower pressure is very low',
  'the condenser fan will not start', 'our sewer line backed up into the tub', 'the boiler pilot light keeps going out',
  'the ceiling light flickers all the time', 'we need a yearly maintenance visit', 'the ductwork whistles loudly',
];
const asks = [
  'Can someone come out this week?', 'Are you available tomorrow morning?', 'How soon can a tech get here?',
  'What does a service call cost?', 'Could you send someone today?', 'Is Saturday possible?', 'Please call me back.',
  'Do you have anything Friday afternoon?', 'We are home after 3pm.', 'Can I get a quote first?',
  'The gate code is 4412.', 'Please text before arriving.',
];
const replies = [
  'Thanks for reaching out! What day works best for you?', 'We can have a technician there tomorrow between 8 and 10.',
  'Our diagnostic fee is $89, waived if you go ahead with the repair.', 'Got it, I have booked you in for Friday afternoon.',
  'A technician is on the way and should arrive in about 40 minutes.', 'Could you send a photo of the unit label?',
  'Sorry to hear that! Is anyone in the home right now?', 'Your appointment is confirmed. Reply C to confirm or R to reschedule.',
  'We will call you shortly to go over the options.', 'Thanks, we received your payment. Have a great day!',
  'Please turn the system off until our tech arrives.', 'Our next opening is Monday at 1pm, does that work?',
];

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const arr = (items: readonly string[]) => `ARRAY[${items.map(lit).join(',')}]::text[]`;

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Deterministic uuid for the i-th row of kind k of tenant t. */
const uuidOf = (kind: string, t: string, i: string) => `md5('${kind}' || ${t} || '-' || ${i})::uuid`;

async function tableExists(client: pg.Client, name: string): Promise<boolean> {
  const { rows } = await client.query<{ r: string | null }>('SELECT to_regclass($1) AS r', [name]);
  return rows[0]?.r != null;
}

export interface InboxDataset {
  url: string;
  size: InboxDataSize;
  tenantIds: string[];
  /** Seconds the data set took to generate (in this run, or when it was first built). */
  generatedSeconds: number;
  /** When it was built. */
  generatedAt: string | null;
  reused: boolean;
  messageCount: number;
  databaseBytes: number;
}

/** Creates (or reuses) the inbox data set and applies any pending migrations to it. */
export async function ensureInboxDataset(
  adminUrl: string,
  size: InboxDataSize,
  log: (line: string) => void,
  databaseName = 'intellisend_bench_inbox',
): Promise<InboxDataset> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const url = databaseUrl(adminUrl, databaseName);
  let reused = false;
  const started = Date.now();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
    if (rowCount) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        if (await tableExists(client, 'bench_inbox_marker')) {
          const { rows } = await client.query<{ tenants: number; conversations: number; messages: number }>(
            'SELECT tenants, conversations, messages FROM bench_inbox_marker WHERE completed_at IS NOT NULL',
          );
          const m = rows[0];
          reused = !!m && m.tenants === size.tenants && m.conversations === size.conversationsPerTenant && m.messages === size.messagesPerConversation;
        }
      } finally {
        await client.end();
      }
      if (!reused) {
        log(`inbox: ${databaseName} exists with another size or unfinished; dropping it`);
        await admin.query(`DROP DATABASE ${databaseName} WITH (FORCE)`);
      }
    }
    if (!reused) await admin.query(`CREATE DATABASE ${databaseName}`);
  } finally {
    await admin.end();
  }

  // Migrations first (also on reuse: a newer migration, e.g. an index, is applied to the existing data).
  const sequelize = createSequelize(url, { poolMax: 2 });
  try {
    const applied = await migrate(sequelize);
    if (applied.length > 0) {
      log(`inbox: applied migrations ${applied.join(', ')}`);
      // A new index or expression needs fresh statistics on data this size.
      await sequelize.query('ANALYZE');
    }
  } finally {
    await sequelize.close();
  }
  if (!reused) await generate(url, size, log);

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tenants } = await client.query<{ id: string }>('SELECT id FROM tenants ORDER BY name');
    const { rows: stats } = await client.query<{ n: string; bytes: string; secs: string | null; at: Date | null }>(
      `SELECT (SELECT reltuples::bigint FROM pg_class WHERE relname = 'messages')::text AS n, pg_database_size(current_database())::text AS bytes,
              (SELECT extract(epoch FROM completed_at - started_at)::text FROM bench_inbox_marker) AS secs,
              (SELECT completed_at FROM bench_inbox_marker) AS at`,
    );
    return {
      url,
      size,
      tenantIds: tenants.map((t) => t.id),
      generatedSeconds: reused ? Number(stats[0]?.secs ?? 0) : (Date.now() - started) / 1000,
      generatedAt: stats[0]?.at ? new Date(stats[0].at).toISOString() : null,
      reused,
      messageCount: Number(stats[0]?.n ?? 0),
      databaseBytes: Number(stats[0]?.bytes ?? 0),
    };
  } finally {
    await client.end();
  }
}

async function generate(url: string, size: InboxDataSize, log: (line: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const timed = async (what: string, sql: string) => {
    const t0 = Date.now();
    await client.query(sql);
    log(`inbox: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };
  try {
    await client.query(`SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2; SET synchronous_commit = off`);
    await client.query(
      `CREATE TABLE bench_inbox_marker (tenants int NOT NULL, conversations int NOT NULL, messages int NOT NULL,
         started_at timestamptz NOT NULL DEFAULT now(), completed_at timestamptz)`,
    );
    await client.query('INSERT INTO bench_inbox_marker (tenants, conversations, messages) VALUES ($1, $2, $3)', [
      size.tenants,
      size.conversationsPerTenant,
      size.messagesPerConversation,
    ]);
    // Secondary (non-constraint) indexes are rebuilt after the load.
    const { rows: indexes } = await client.query<{ name: string; def: string }>(
      `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename IN ('contacts', 'conversations', 'messages')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    );
    for (const ix of indexes) await client.query(`DROP INDEX ${ix.name}`);

    const T = size.tenants;
    const C = size.conversationsPerTenant;
    const M = size.messagesPerConversation;
    await timed(
      'tenants and numbers',
      `INSERT INTO tenants (id, name, twilio_account_sid)
         SELECT ${uuidOf('t', 't::text', "''")}, 'Bench Tenant ' || lpad(t::text, 2, '0'), 'AC' || md5('acct' || t)
           FROM generate_series(1, ${T}) t;
       INSERT INTO phone_numbers (id, tenant_id, phone, label)
         SELECT ${uuidOf('n', 't::text', "''")}, ${uuidOf('t', 't::text', "''")}, '+1555' || lpad((9000000 + t)::text, 7, '0'), 'Main line'
           FROM generate_series(1, ${T}) t;`,
    );
    const fn = arr(firstNames);
    const ln = arr(lastNames);
    const ac = arr(areaCodes);
    for (let t = 1; t <= T; t++) {
      const tenant = uuidOf('t', `${t}::text`, "''");
      // h: a per-row pseudo-random number; about 20 % of contacts are unnamed (an SMS-only customer).
      await timed(
        `tenant ${t}/${T}: ${C} contacts and conversations`,
        `INSERT INTO contacts (id, tenant_id, phone, first_name, last_name, email, opted_out, created_at, updated_at)
           SELECT ${uuidOf('c', `${t}::text`, 'i::text')}, ${tenant},
                  '+1' || (${ac})[1 + (h % ${areaCodes.length})] || (2000000 + (i::bigint * 7919) % 8000000)::text,
                  CASE WHEN h % 10 < 8 THEN (${fn})[1 + (h / 10) % ${firstNames.length}] END,
                  CASE WHEN h % 10 < 8 THEN (${ln})[1 + (h / 1000) % ${lastNames.length}] END,
                  CASE WHEN h % 10 < 3 THEN 'customer' || i || '@example.com' END,
                  h % 100 >= 92, now() - make_interval(secs => (h % 31536000)::double precision + 3600), now()
             FROM (SELECT i, (hashint8(i * 31 + ${t}) & 2147483647)::bigint AS h FROM generate_series(1, ${C}) i) s;
         INSERT INTO conversations (id, tenant_id, contact_id, phone_number_id, category, classification_confidence,
                                    classification_reason, classification_source, needs_attention, last_message_at,
                                    service_titan_booking_id, service_titan_booking_created_at, booking_status, booking_attempts,
                                    created_at, updated_at)
           SELECT ${uuidOf('v', `${t}::text`, 'i::text')}, ${tenant}, ${uuidOf('c', `${t}::text`, 'i::text')},
                  ${uuidOf('n', `${t}::text`, "''")}, cat, 0.9, 'Generated for the benchmark', 'ai',
                  h % 100 < 6, started + make_interval(mins => ${(M - 1) * 7}),
                  CASE WHEN cat <> 'opt_out' THEN (1000000 + i)::text END,
                  CASE WHEN cat <> 'opt_out' THEN started + interval '1 minute' END,
                  CASE WHEN cat <> 'opt_out' THEN 'created' ELSE 'none' END, CASE WHEN cat <> 'opt_out' THEN 1 ELSE 0 END,
                  started, started
             FROM (SELECT i, h, now() - make_interval(secs => (h % 31536000)::double precision + 3600) AS started,
                          CASE WHEN h % 100 >= 92 THEN 'opt_out' WHEN (h / 100) % 100 < 8 THEN 'complaint' ELSE 'engaged' END AS cat
                     FROM (SELECT i, (hashint8(i * 31 + ${t}) & 2147483647)::bigint AS h FROM generate_series(1, ${C}) i) s0) s;`,
      );
      // Inbound (even k) and outbound (odd k) turns; planted words in ~0.5 % (5 common words) and ~0.005 %.
      await timed(
        `tenant ${t}/${T}: ${C * M} messages`,
        `INSERT INTO messages (id, tenant_id, conversation_id, direction, body, status, twilio_sid, created_at, updated_at)
           SELECT gen_random_uuid(), ${tenant}, ${uuidOf('v', `${t}::text`, 'i::text')},
                  CASE WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
                  CASE WHEN k % 2 = 0 THEN
                    (${arr(openers)})[1 + h % ${openers.length}] || ' ' || (${arr(issues)})[1 + (h / 16) % ${issues.length}] || '. '
                      || (${arr(asks)})[1 + (h / 1024) % ${asks.length}]
                      || CASE WHEN h % 200 = 7 THEN ' Also the ' || (${arr(commonWords)})[1 + (h / 200) % ${commonWords.length}] || ' needs a look.'
                              WHEN h % 20000 = 13 THEN ' PS: the ' || (${arr(rareWords)})[1 + (h / 20000) % ${rareWords.length}] || ' too.'
                              ELSE '' END
                  ELSE (${arr(replies)})[1 + h % ${replies.length}] END,
                  CASE WHEN k % 2 = 0 THEN 'received' ELSE 'delivered' END,
                  'SM' || md5('m' || ${t} || '-' || i || '-' || k),
                  c.started + make_interval(mins => k * 7), c.started + make_interval(mins => k * 7)
             FROM (SELECT i, now() - make_interval(secs => ((hashint8(i * 31 + ${t}) & 2147483647) % 31536000)::double precision + 3600) AS started
                     FROM generate_series(1, ${C}) i) c
             CROSS JOIN generate_series(0, ${M - 1}) k
             CROSS JOIN LATERAL (SELECT (hashint8(i * 131 + k * 7 + ${t} * 1000003) & 2147483647)::bigint AS h) r;`,
      );
    }
    for (const ix of indexes) await timed(`index ${ix.name}`, ix.def);
    await timed('VACUUM ANALYZE', 'VACUUM ANALYZE');
    await client.query('UPDATE bench_inbox_marker SET completed_at = now()');
  } finally {
    await client.end();
  }
}

if (import.meta.main) {
  // Standalone: node bench/inbox-data.ts [conversationsPerTenant] — builds the data set ahead of a run.
  const { benchConfig } = await import('./config.ts');
  const cfg = benchConfig(process.argv.slice(2));
  const ds = await ensureInboxDataset(cfg.postgresAdminUrl, cfg.inbox, (l) => console.log(l));
  console.log(JSON.stringify({ ...ds, tenantIds: ds.tenantIds.length }));
}
