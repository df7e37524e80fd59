// The API as a child process of the benchmark: what api/main.ts's startApi does (same createApp, pool size
// 20), minus migrations (the benchmark applied them) and the web handler, listening on 127.0.0.1 only, plus
// an IPC channel for readiness and process.memoryUsage() samples.
import type { Server } from 'node:http';
import { createApp } from '../api/app.ts';
import { loadEnv, requireDatabaseUrl } from '../config/env.ts';
import { createDatabase } from '../db/connection.ts';
import { createLogger } from '../logging/logger.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { reportMemory } from './processes.ts';

if (import.meta.main) {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, { service: 'api' });
  const db = createDatabase(requireDatabaseUrl(env), { poolMax: 20 });
  const app = createApp({ env, db, box: new SecretBox(env.ENCRYPTION_KEY), logger });
  const server: Server = await new Promise((resolve) => {
    const s = app.app.listen(env.PORT, '127.0.0.1', () => resolve(s));
  });
  reportMemory();
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.close();
    await db.sequelize.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('disconnect', () => void stop());
  process.send?.({ type: 'ready', port: env.PORT });
}
