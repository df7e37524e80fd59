// Where the API and the workers expose Prometheus metrics, validated with the rest in config/env.ts (which
// spreads this shape into its schema). Unset ports: no metrics listener. These ports are for the scraper
// only: never publish them (docker-compose.yml does not; Prometheus reaches them on the compose network).
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

export const metricsEnv = {
  /** The API's own metrics (prom-client): GET /metrics on this port, apart from the public PORT. */
  METRICS_PORT: port.optional(),
  /** The worker's Temporal SDK metrics (the Core runtime's Prometheus exporter): GET /metrics. */
  WORKER_METRICS_PORT: port.optional(),
  /** The interface both listen on: 127.0.0.1 outside a container, 0.0.0.0 inside one. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
};
