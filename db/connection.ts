// The one way to open the database: a Sequelize instance with every model bound to it.
import { Sequelize } from 'sequelize';
import { initModels, type Models } from './models/index.ts';

export interface ConnectionOptions {
  /** Pool size; keep at least 2 where migrate() runs (it holds one connection for its lock). */
  poolMax?: number;
  /** Off by default; pass a function to see SQL. */
  logging?: false | ((sql: string) => void);
}

export interface Database {
  sequelize: Sequelize;
  models: Models;
}

export function createSequelize(url: string, opts: ConnectionOptions = {}): Sequelize {
  return new Sequelize(url, {
    dialect: 'postgres',
    logging: opts.logging ?? false,
    define: { underscored: true },
    pool: { max: opts.poolMax ?? 10, min: 0, idle: 10_000, acquire: 30_000 },
    // Our queries are short index lookups; PostgreSQL's JIT compiles any query its estimate calls
    // expensive, and the compiling alone took 50–200 ms of an inbox search (BENCHMARKS.md).
    dialectOptions: { options: '-c jit=off' },
  });
}

export function createDatabase(url: string, opts: ConnectionOptions = {}): Database {
  const sequelize = createSequelize(url, opts);
  return { sequelize, models: initModels(sequelize) };
}
