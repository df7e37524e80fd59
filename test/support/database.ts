// A fresh, migrated PostgreSQL database per test file. Migrating takes a while, so the schema is built
// once into a template database named after the migrations' content, and each test database is a
// cheap copy of it (CREATE DATABASE … TEMPLATE …). Different checkouts with different migrations
// sharing one server get different templates.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, createSequelize, type Database } from '../../db/connection.ts';
import { migrate, migrationFileNames, migrationsDir } from '../../db/migrate.ts';

export interface TestDatabase {
  db: Database;
  url: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export interface EmptyTestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Serialises template creation across test files (forks) and concurrent `vitest run`s. */
const templateLockKey = 7_301_022_002;

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Names and contents: editing a migration during development must not reuse a stale template. */
function templateName(): string {
  const hash = createHash('sha256');
  for (const file of migrationFileNames()) hash.update(file).update('\0').update(readFileSync(join(migrationsDir, file)));
  return `intellisend_tpl_${hash.digest('hex').slice(0, 16)}`;
}

async function databaseExists(client: pg.Client, name: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return (rowCount ?? 0) > 0;
}

async function ensureTemplate(client: pg.Client, adminUrl: string): Promise<string> {
  const template = templateName();
  if (await databaseExists(client, template)) return template;
  await client.query('SELECT pg_advisory_lock($1)', [templateLockKey]);
  try {
    if (await databaseExists(client, template)) return template;
    // Built under another name and renamed when complete, so a crash never leaves a half-migrated template.
    const building = `${template}_building`;
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoteIdent(building)}`);
    const sequelize = createSequelize(databaseUrl(adminUrl, building), { poolMax: 2 });
    try {
      await migrate(sequelize);
    } finally {
      await sequelize.close();
    }
    await client.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(template)}`);
    return template;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [templateLockKey]);
  }
}

async function createNamedDatabase(adminUrl: string, template: string | null): Promise<{ name: string; url: string }> {
  const name = `intellisend_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, async (client) => {
    const from = template ?? (await ensureTemplate(client, adminUrl));
    await client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(from)}`);
  });
  return { name, url: databaseUrl(adminUrl, name) };
}

async function dropNamedDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

export interface TestDatabaseOptions {
  /** Another PostgreSQL server than the shared one (e.g. an embedded one a test stops and restarts). */
  adminUrl?: string;
  poolMax?: number;
}

/** A migrated database of its own; call `drop()` in afterAll. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? inject('postgresAdminUrl');
  const { name, url } = await createNamedDatabase(adminUrl, null);
  const db = createDatabase(url, { poolMax: options.poolMax ?? 5 });
  return {
    db,
    url,
    drop: async () => {
      await db.sequelize.close();
      await dropNamedDatabase(adminUrl, name);
    },
  };
}

/** An empty database (no tables, no migrations applied) for testing migrations themselves. */
export async function createEmptyTestDatabase(): Promise<EmptyTestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const { name, url } = await createNamedDatabase(adminUrl, 'template0');
  return { url, drop: () => dropNamedDatabase(adminUrl, name) };
}
