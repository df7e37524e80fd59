// What a command may use. The database and SecretBox are opened on first use, so `--help`-style
// failures and flag errors never touch the database, and main.ts closes whatever was opened.
import { requireDatabaseUrl, type Env } from '../config/env.ts';
import { createDatabase, type Database } from '../db/connection.ts';
import { SecretBox } from '../secrets/secret-box.ts';

export interface CliContext {
  env: Env;
  database(): Database;
  secretBox(): SecretBox;
}

export function createCliContext(env: Env): { context: CliContext; close(): Promise<void> } {
  let db: Database | undefined;
  let box: SecretBox | undefined;
  const context: CliContext = {
    env,
    database: () => (db ??= createDatabase(requireDatabaseUrl(env), { poolMax: 3 })),
    secretBox: () => (box ??= new SecretBox(env.ENCRYPTION_KEY)),
  };
  return { context, close: async () => void (await db?.sequelize.close()) };
}
