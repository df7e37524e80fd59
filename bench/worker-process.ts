// A Temporal worker as a child process of the benchmark: worker.ts's startWorker (same activities, same
// concurrency), given the prebuilt workflow bundle (argv[2]) so each worker starts in a second instead of
// bundling, plus an IPC channel for readiness and process.memoryUsage() samples.
import { loadEnv } from '../config/env.ts';
import { createLogger } from '../logging/logger.ts';
import { startWorker } from '../worker.ts';
import { reportMemory } from './processes.ts';

if (import.meta.main) {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, { service: 'worker' });
  const bundlePath = process.argv[2];
  const worker = await startWorker({ env, logger, ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}) });
  reportMemory();
  const stop = async () => {
    await worker.shutdown();
    process.exit(0);
  };
  process.once('disconnect', () => void stop());
  // SIGTERM: the Temporal runtime shuts the worker down itself; `running` then resolves.
  void worker.running.then(() => stop());
  process.send?.({ type: 'ready' });
}
