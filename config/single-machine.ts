// How `npm start` shares one machine between the answer path and the durable pipeline: the worker and the
// Temporal dev server run below the API's priority and the worker's concurrency is bounded, so a burst the
// pipeline cannot keep up with queues up durably instead of starving the webhook (bench/overload.ts measures
// exactly this configuration). Production runs them on hosts of their own (docker-compose, Helm).

/** nice of the worker and the Temporal dev server (START_BACKGROUND_NICE's default). */
export const singleMachineBackgroundNice = 10;

/** The worker's concurrency on a shared machine, unless WORKER_MAX_* say otherwise (production: worker.ts). */
export const singleMachineWorkerLimits = { WORKER_MAX_ACTIVITIES: '10', WORKER_MAX_WORKFLOW_TASKS: '25' } as const;
