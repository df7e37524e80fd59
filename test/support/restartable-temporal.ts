// A Temporal dev server of a test's own, on a fixed port with its workflows in a file, so the test can
// stop it (an outage) and start it again with everything it held.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startTemporalDevServer, type TemporalDevServer } from '../../scripts/temporal-dev-server.ts';

export interface RestartableTemporal {
  address: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its files. */
  dispose(): Promise<void>;
}

export async function startRestartableTemporal(name: string): Promise<RestartableTemporal> {
  const dir = mkdtempSync(join(tmpdir(), `intellisend-${name}-`));
  const port = await freePort();
  let server: TemporalDevServer | null = null;
  const start = async () => {
    server ??= await startTemporalDevServer({ dbFile: join(dir, 'temporal.sqlite'), port });
  };
  const stop = async () => {
    const s = server;
    server = null;
    await s?.stop();
  };
  await start();
  return {
    address: `127.0.0.1:${port}`,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
