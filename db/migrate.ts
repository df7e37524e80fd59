// Applies db/migrations/NNNN-*.ts in order with umzug. The app runs this at start, so several processes
// (API, workers, the CLI) may race: a transaction-scoped advisory lock lets exactly one apply them while
// the others wait and then find nothing pending.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug, type RunnableMigration } from 'umzug';

export const migrationsDir = join(import.meta.dirname, 'migrations');
const migrationFile = /^(\d{4}-[a-z0-9-]+)\.ts$/;

/** Any 64-bit constant works; this one spells "intellisend migrations" to whoever finds it in pg_locks. */
const migrationLockKey = 7_301_022_001;

export interface MigrationModule {
  up(params: { context: QueryInterface }): Promise<void>;
  down(params: { context: QueryInterface }): Promise<void>;
}

/** Migration file names (`0001-initial.ts`, …) in the order they apply. */
export function migrationFileNames(): string[] {
  return readdirSync(migrationsDir)
    .filter((f) => migrationFile.test(f))
    .sort();
}

function migrations(): RunnableMigration<QueryInterface>[] {
  return migrationFileNames().map((file) => {
    const path = join(migrationsDir, file);
    const load = async (): Promise<MigrationModule> => (await import(pathToFileURL(path).href)) as MigrationModule;
    return {
      // Stored without the extension so the names survive a move to compiled .js.
      name: file.replace(/\.ts$/, ''),
      path,
      up: async ({ context }) => (await load()).up({ context }),
      down: async ({ context }) => (await load()).down({ context }),
    };
  });
}

export function createMigrator(sequelize: Sequelize): Umzug<QueryInterface> {
  return new Umzug({
    migrations: migrations(),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: undefined,
  });
}

/** Applies every pending migration; returns the names applied (empty when already up to date). */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
  const lock = await sequelize.transaction();
  try {
    await sequelize.query('SELECT pg_advisory_xact_lock(:key)', { replacements: { key: migrationLockKey }, transaction: lock });
    const applied = await createMigrator(sequelize).up();
    await lock.commit();
    return applied.map((m) => m.name);
  } catch (err) {
    await lock.rollback().catch(() => {});
    throw err;
  }
}
