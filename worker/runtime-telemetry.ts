// The worker's Temporal SDK metrics: the Core runtime's Prometheus exporter on WORKER_METRICS_PORT
// (GET /metrics), scraped by Prometheus next to the API's own metrics and the Temporal server's. Among them
// the series the Grafana dashboard (deploy/grafana/dashboards/intellisend.json) plots:
// temporal_workflow_task_schedule_to_start_latency, temporal_activity_schedule_to_start_latency and
// temporal_activity_execution_failed{activity_type}. Durations in seconds, counters with `_total`, as
// Prometheus names them everywhere else.
// Runtime.install takes these once per process, before the first connection (worker.ts).
import type { TelemetryOptions } from '@temporalio/worker';
import type { Env } from '../config/env.ts';

/** Undefined when WORKER_METRICS_PORT is unset: the SDK then exports no metrics. */
export function workerTelemetryOptions(env: Env): TelemetryOptions | undefined {
  if (env.WORKER_METRICS_PORT === undefined) return undefined;
  return {
    metrics: {
      prometheus: {
        bindAddress: `${env.METRICS_HOST}:${env.WORKER_METRICS_PORT}`,
        countersTotalSuffix: true,
        useSecondsForDurations: true,
      },
    },
  };
}
