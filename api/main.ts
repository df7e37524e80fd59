// Runs the API (and the built web app, when present) on PORT.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { loadEnvOrExit, projectRoot, requireDatabaseUrl, type Env } from '../config/env.ts';
import { createDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { createApp } from './app.ts';
import { serveMetrics, type MetricsServer } from './metrics/metrics-server.ts';

/** The SvelteKit adapter-node build, if `npm run build:web` (or `npm start`) has produced it. */
async function loadWebHandler(env: Env): Promise<RequestHandler | undefined> {
  const handlerPath = join(env.WEB_BUILD_DIR ?? join(projectRoot, 'web', 'build'), 'handler.js');
  if (!existsSync(handlerPath)) return undefined;
  const mod = (await import(handlerPath)) as { handler: RequestHandler };
  return mod.handler;
}

export async function startApi({ env, logger }: { env: Env; logger: Logger }) {
  const db = createDatabase(requireDatabaseUrl(env), { poolMax: 20 });
  await migrate(db.sequelize);
  const app = createApp({ env, db, box: new SecretBox(env.ENCRYPTION_KEY), logger, web: await loadWebHandler(env) });
  const server: Server = await new Promise((resolve) => {
    const s = app.app.listen(env.PORT, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = `http://localhost:${port}`;
  logger.info('api listening', { url });
  // Not on the public port: Prometheus scrapes METRICS_PORT (unset: no metrics listener).
  const metrics: MetricsServer | null =
    env.METRICS_PORT === undefined ? null : await serveMetrics(app.metrics.registry, { port: env.METRICS_PORT, host: env.METRICS_HOST });
  if (metrics) logger.info('api metrics listening', { url: metrics.url });
  return {
    url,
    app,
    db,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await metrics?.close();
      await app.close();
      await db.sequelize.close();
    },
  };
}

if (import.meta.main) {
  const env = loadEnvOrExit();
  const logger = createLogger(env.LOG_LEVEL, { service: 'api' });
  const running = await startApi({ env, logger }).catch((err: unknown) => {
    logger.error('api failed to start', { error: err });
    process.exit(1);
  });
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
