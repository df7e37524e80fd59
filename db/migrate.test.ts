import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createEmptyTestDatabase, type EmptyTestDatabase } from '../test/support/database.ts';
import { createSequelize } from './connection.ts';
import { createMigrator, migrate, migrationFileNames } from './migrate.ts';

const tables = ['tenants', 'users', 'phone_numbers', 'contacts', 'conversations', 'messages', 'servicetitan_configs'];

async function publicTables(sequelize: Sequelize): Promise<string[]> {
  // pg_tables rather than information_schema.tables, whose results Sequelize reshapes.
  const rows = await sequelize.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.name);
}

describe('migrate', () => {
  let empty: EmptyTestDatabase;
  let sequelize: Sequelize;
  const all = migrationFileNames().map((f) => f.replace(/\.ts$/, ''));

  beforeAll(async () => {
    empty = await createEmptyTestDatabase();
    sequelize = createSequelize(empty.url);
  });
  afterAll(async () => {
    await sequelize?.close();
    await empty?.drop();
  });

  it('applies every migration once, then nothing', async () => {
    expect(all[0]).toBe('0001-initial');
    expect(await migrate(sequelize)).toEqual(all);
    expect(await migrate(sequelize)).toEqual([]);
    expect(await publicTables(sequelize)).toEqual(expect.arrayContaining([...tables, 'schema_migrations']));
    const ext = await sequelize.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`, { type: QueryTypes.SELECT });
    expect(ext).toHaveLength(1);
  });

  it('goes down to nothing and up again', async () => {
    await createMigrator(sequelize).down({ to: 0 });
    expect(await publicTables(sequelize)).toEqual(['schema_migrations']);
    expect(await migrate(sequelize)).toEqual(all);
    expect(await publicTables(sequelize)).toEqual(expect.arrayContaining(tables));
  });
});

describe('migrate, two processes starting at once', () => {
  it('applies the migrations exactly once and neither fails', async () => {
    const empty = await createEmptyTestDatabase();
    const a = createSequelize(empty.url, { poolMax: 3 });
    const b = createSequelize(empty.url, { poolMax: 3 });
    try {
      const results = await Promise.all([migrate(a), migrate(b), migrate(a)]);
      expect(results.flat().sort()).toEqual(migrationFileNames().map((f) => f.replace(/\.ts$/, '')).sort());
      const applied = await a.query(`SELECT name FROM schema_migrations`, { type: QueryTypes.SELECT });
      expect(applied).toHaveLength(migrationFileNames().length);
    } finally {
      await a.close();
      await b.close();
      await empty.drop();
    }
  });
});
