// The API's own Prometheus metrics (prom-client), served on METRICS_PORT apart from the public port
// (api/metrics/metrics-server.ts). The webhook histogram is observed as requests finish; the relay backlog
// and the bookings are read from PostgreSQL when Prometheus scrapes, so every API replica reports the
// same truth and nothing else in the app has to count. Series (the Grafana dashboard plots them):
//   intellisend_webhook_duration_seconds{route, status_code}  Twilio webhook latency (Twilio gives up at 15 s)
//   intellisend_relay_backlog                 acknowledged inbound messages not yet handed to Temporal
//   intellisend_relay_oldest_pending_seconds  how long the oldest of them has waited
//   intellisend_bookings{status}              conversations by ServiceTitan booking status
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { QueryTypes } from 'sequelize';
import type { Database } from '../../db/connection.ts';
import { bookingStatuses } from '../../db/models/conversation.ts';

export interface ApiMetrics {
  registry: Registry;
  /** Times the Twilio webhooks; mount it before their routes. */
  webhookTimer: RequestHandler;
}

/** The webhooks Twilio calls, by path, and the label each gets. */
const webhookRoutes: Record<string, string> = { '/api/twilio/inbound': 'inbound', '/api/twilio/status': 'status' };

/** The backlog as the relay sees it: inbound messages stored but not yet handed to their workflow. */
async function readRelayBacklog(db: Database): Promise<{ pending: number; oldestSeconds: number }> {
  const [row] = await db.sequelize.query<{ pending: string; oldest_seconds: number | null }>(
    `SELECT count(*) AS pending, extract(epoch FROM clock_timestamp() - min(created_at))::float8 AS oldest_seconds
       FROM messages WHERE relay_pending`,
    { type: QueryTypes.SELECT },
  );
  return { pending: Number(row?.pending ?? 0), oldestSeconds: row?.oldest_seconds ?? 0 };
}

async function readBookingsByStatus(db: Database): Promise<Map<string, number>> {
  const rows = await db.sequelize.query<{ status: string; n: string }>(
    'SELECT booking_status AS status, count(*) AS n FROM conversations GROUP BY booking_status',
    { type: QueryTypes.SELECT },
  );
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

export function createApiMetrics(db: Database): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const webhookDuration = new Histogram({
    name: 'intellisend_webhook_duration_seconds',
    help: 'Time from a Twilio webhook request to its response, by webhook and HTTP status.',
    labelNames: ['route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [registry],
  });

  // A scrape that cannot reach PostgreSQL keeps the last values rather than failing the whole scrape.
  const backlog = { pending: 0, oldestSeconds: 0 };
  let backlogRead: Promise<void> | null = null;
  const refreshBacklog = () =>
    (backlogRead ??= readRelayBacklog(db)
      .then((b) => Object.assign(backlog, b), () => undefined)
      .then(() => {
        backlogRead = null;
      }));
  new Gauge({
    name: 'intellisend_relay_backlog',
    help: 'Inbound messages acknowledged to Twilio and stored, not yet handed to their Temporal workflow.',
    registers: [registry],
    async collect() {
      await refreshBacklog();
      this.set(backlog.pending);
    },
  });
  new Gauge({
    name: 'intellisend_relay_oldest_pending_seconds',
    help: 'Age of the oldest inbound message still waiting to be handed to Temporal (0 when none waits).',
    registers: [registry],
    async collect() {
      await refreshBacklog();
      this.set(backlog.oldestSeconds);
    },
  });

  const bookings = new Map<string, number>(bookingStatuses.map((s) => [s, 0]));
  new Gauge({
    name: 'intellisend_bookings',
    help: 'Conversations by ServiceTitan booking status (none, pending, retrying, created, failed, skipped).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = await readBookingsByStatus(db).catch(() => null);
      if (counts) for (const status of bookingStatuses) bookings.set(status, counts.get(status) ?? 0);
      for (const [status, n] of bookings) this.set({ status }, n);
    },
  });

  const webhookTimer: RequestHandler = (req, res, next) => {
    const route = req.method === 'POST' ? webhookRoutes[req.path] : undefined;
    if (route) {
      const stop = webhookDuration.startTimer({ route });
      res.once('finish', () => stop({ status_code: String(res.statusCode) }));
    }
    next();
  };

  return { registry, webhookTimer };
}
