// Entry point of the API's outbox-relay thread: the Temporal client and its gRPC work live here, on an
// event loop of their own, so the webhook's event loop only verifies, stores and answers.
import { parentPort, workerData } from 'node:worker_threads';
import { requireDatabaseUrl } from '../../config/env.ts';
import { createDatabase } from '../../db/connection.ts';
import { createLogger } from '../../logging/logger.ts';
import { lazyTemporalClient } from '../../temporal/connection-options.ts';
import { OutboxRelay } from './outbox-relay.ts';
import type { FromRelayThread, RelayThreadData, ToRelayThread } from './relay-thread-protocol.ts';

const port = parentPort;
if (!port) throw new Error('outbox-relay-thread.ts runs as a worker thread of the API.');
const { env, options } = workerData as RelayThreadData;
const logger = createLogger(env.LOG_LEVEL, { service: 'api', thread: 'outbox-relay' });

const db = createDatabase(requireDatabaseUrl(env), { poolMax: 4 });
const temporal = lazyTemporalClient(env);
const { connection } = temporal;
const relay = new OutboxRelay({ temporal, db, taskQueue: env.TEMPORAL_TASK_QUEUE, logger, ...options });
relay.start();

const reply = (message: FromRelayThread) => port.postMessage(message);

port.on('message', (message: ToRelayThread) => {
  switch (message.kind) {
    case 'deliver':
      relay.deliver(message.entry);
      return;
    case 'stop':
      void (async () => {
        await relay.stop();
        await connection.close().catch(() => undefined);
        await db.sequelize.close().catch(() => undefined);
        reply({ kind: 'stopped' });
        port.close();
      })();
      return;
  }
});
