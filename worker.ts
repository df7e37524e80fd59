// Starts a Temporal worker for the conversation workflow and its activities. Scale by running more.
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities/index.ts';
import { createOpenAIModelCaller } from './assistant/openai-model.ts';
import { createClassifier } from './clients/openai/classifier.ts';
import { installServiceTitanEgress, serviceTitanEgressFor } from './clients/servicetitan/egress.ts';
import { ServiceTitanTokenCache } from './clients/servicetitan/token-cache.ts';
import { createTwilioSender } from './clients/twilio/sender.ts';
import { loadEnvOrExit, requireDatabaseUrl, secretsOf, type Env } from './config/env.ts';
import { createDatabase } from './db/connection.ts';
import { createLogger, registerSecret, type Logger } from './logging/logger.ts';
import { installTemporalRuntimeLogging } from './logging/temporal-runtime.ts';
import { SecretBox } from './secrets/secret-box.ts';
import { dataConverter } from './temporal/data-converter.ts';
import { temporalConnection } from './temporal/connection-options.ts';
import { workerTelemetryOptions } from './worker/runtime-telemetry.ts';
import { campaignTaskQueue } from './workflows/campaign-definitions.ts';

/** Campaign sends mostly sleep for their number's pace or wait on Twilio. */
export const campaignActivitySlots = 20;

export const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export function createActivityDeps(env: Env, logger: Logger): ActivityDeps {
  for (const secret of secretsOf(env)) registerSecret(secret);
  return {
    env,
    db: createDatabase(requireDatabaseUrl(env), { poolMax: 2 * env.WORKER_MAX_ACTIVITIES + campaignActivitySlots }),
    box: new SecretBox(env.ENCRYPTION_KEY),
    classifier: env.OPENAI_API_KEY
      ? createClassifier({
          apiKey: env.OPENAI_API_KEY,
          baseURL: env.OPENAI_BASE_URL,
          model: env.OPENAI_MODEL,
          // Well inside the 60 s the filing activity gets, so a hanging OpenAI ends in the fallback filing
          // rather than in a timed-out activity that would ask it again.
          totalTimeoutMs: 40_000,
        })
      : null,
    // No SDK retries: each model call is an activity, and Temporal's retries are the ones ops see.
    assistantModel: env.OPENAI_API_KEY
      ? createOpenAIModelCaller({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, model: env.OPENAI_MODEL, maxRetries: 0, timeoutMs: 20_000 })
      : null,
    twilio: createTwilioSender({ apiBaseUrl: env.TWILIO_API_BASE_URL }),
    serviceTitanTokens: new ServiceTitanTokenCache(),
    logger,
  };
}

export interface StartWorkerOptions {
  env: Env;
  logger: Logger;
  /** Tests pass a prebuilt bundle so each worker does not rebuild it. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  deps?: ActivityDeps;
}

export async function startWorker({ env, logger, workflowBundle, deps }: StartWorkerOptions) {
  // The booking activity's ServiceTitan clients reach only where this environment's policy allows.
  installServiceTitanEgress(serviceTitanEgressFor(env));
  const activityDeps = deps ?? createActivityDeps(env, logger);
  const { connectionOptions, namespace } = temporalConnection(env);
  const connection = await NativeConnection.connect(connectionOptions);
  const worker = await Worker.create({
    connection,
    namespace,
    dataConverter: dataConverter(env),
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath }),
    activities: createActivities(activityDeps),
    // Activities mostly wait on HTTP; a booking holds a database connection while it does (its lock), so
    // the two kinds together never need more connections than the pool has.
    maxConcurrentActivityTaskExecutions: env.WORKER_MAX_ACTIVITIES,
    maxConcurrentLocalActivityExecutions: env.WORKER_MAX_ACTIVITIES,
    // A message's steps run inside its workflow task, which stays open while they wait on OpenAI and
    // ServiceTitan: allow more open tasks than the default 40 (npm start bounds it lower on a shared host).
    maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_WORKFLOW_TASKS,
    // Two workflow threads instead of one: every call into the workflow sandbox starts and joins a
    // deadlock-watchdog thread, and on a busy host one workflow thread spends much of its time waiting
    // for that; a second one runs other conversations' activations meanwhile (BENCHMARKS.md).
    workflowThreadPoolSize: 2,
    shutdownGraceTime: env.WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
  });
  // Campaigns on a task queue of their own, so a big campaign's sends never queue ahead of a reply.
  const campaignWorker = await Worker.create({
    connection,
    namespace,
    dataConverter: dataConverter(env),
    taskQueue: campaignTaskQueue(env.TEMPORAL_TASK_QUEUE),
    ...(workflowBundle ? { workflowBundle } : { workflowsPath }),
    activities: createActivities(activityDeps),
    maxConcurrentActivityTaskExecutions: campaignActivitySlots,
    workflowThreadPoolSize: 1,
    shutdownGraceTime: env.WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
  });
  const running = Promise.all([worker.run(), campaignWorker.run()]).then(() => undefined);
  logger.info('worker started', { taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE });
  return {
    worker,
    running,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      if (campaignWorker.getState() === 'RUNNING') campaignWorker.shutdown();
      await running.catch(() => {});
      await connection.close();
      if (!deps) await activityDeps.db.sequelize.close();
    },
  };
}

if (import.meta.main) {
  const env = loadEnvOrExit();
  const logger = createLogger(env.LOG_LEVEL, { service: 'worker' });
  // The SDK's own lines and workflow / activity logs go through the same logger (and its redaction);
  // its metrics (when WORKER_METRICS_PORT is set) are served by the same runtime.
  installTemporalRuntimeLogging(logger, env.LOG_LEVEL, workerTelemetryOptions(env));
  // The Temporal runtime shuts the worker down on SIGINT/SIGTERM; `running` then resolves.
  startWorker({ env, logger })
    .then(({ running }) => running)
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      logger.error('worker failed', { error: err });
      process.exit(1);
    });
}
