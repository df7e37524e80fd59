// How the processes sit in the production topology, validated with the rest in config/env.ts (which
// spreads this shape into its schema): where the API and the workers expose Prometheus metrics (unset
// ports: no metrics listener; these ports are for the scraper only: never publish them, docker-compose.yml
// does not, Prometheus reaches them on the compose network), and how long a stopping worker lets its
// in-flight activities finish.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

export const topologyEnv = {
  /** The API's own metrics (prom-client): GET /metrics on this port, apart from the public PORT. */
  METRICS_PORT: port.optional(),
  /** The worker's Temporal SDK metrics (the Core runtime's Prometheus exporter): GET /metrics. */
  WORKER_METRICS_PORT: port.optional(),
  /** The interface both listen on: 127.0.0.1 outside a container, 0.0.0.0 inside one. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * After SIGTERM the worker stops polling and lets running activities finish for this long before it
   * cancels them (a cancelled attempt is retried elsewhere). Keep the container's stop grace period above
   * it (docker-compose.yml: 60 s here, 75 s there). 0, the SDK's default, cancels at once (tests).
   */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(0),
};
