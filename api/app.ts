// Builds the Express app: webhooks, the inbox API, health, and (in production) the SvelteKit web.
import type { Client } from '@temporalio/client';
import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler } from 'express';
import type { EgressGuard } from '../clients/egress/index.ts';
import { serviceTitanEgressFor } from '../clients/servicetitan/egress.ts';
import helmet from 'helmet';
import { ServiceTitanTokenCache } from '../clients/servicetitan/index.ts';
import { secretsOf, type Env, type TrustProxy } from '../config/env.ts';
import type { Database } from '../db/connection.ts';
import { httpLogger } from '../logging/http-logger.ts';
import { registerSecret, type Logger } from '../logging/logger.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { TestConnectionLimiter } from './settings/test-connection-limiter.ts';
import { lazyTemporalClient } from '../temporal/connection-options.ts';
import { LoginRateLimiter } from './auth/login-rate-limiter.ts';
import { createApiMetrics, type ApiMetrics } from './metrics/api-metrics.ts';
import { mutationGuard, requireUser } from './auth/middleware.ts';
import { tenantIdOf } from './auth/request-auth.ts';
import { ConversationAnnouncer } from '../db/conversation-announcer.ts';
import { InboundDispatcher } from './inbound/inbound-dispatcher.ts';
import type { InboundRelay } from './inbound/inbound-relay.ts';
import { OutboxRelay } from './inbound/outbox-relay.ts';
import { ThreadedOutboxRelay } from './inbound/threaded-outbox-relay.ts';
import { ConversationEventsHub, pgConfigOf } from './live/conversation-events-hub.ts';
import { NumberDirectory } from './inbound/number-directory.ts';
import { errorHandler } from './middleware/error-handler.ts';
import { NotFoundError } from './errors.ts';
import { authRoutes } from './routes/auth.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { contactRoutes } from './routes/contacts.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { settingsRoutes } from './routes/settings-routes.ts';
import { temporalCodecRoutes } from './routes/temporal-codec.ts';
import { twilioInboundRoutes } from './routes/twilio-inbound.ts';
import { twilioStatusRoutes } from './routes/twilio-status.ts';

export interface AppDeps {
  env: Env;
  db: Database;
  box: SecretBox;
  logger: Logger;
  /** Defaults to a lazy connection to TEMPORAL_ADDRESS, so the API starts even while Temporal is down. */
  temporal?: Client;
  /** The SvelteKit handler; absent in tests of the API alone. */
  web?: RequestHandler;
  /**
   * Where inbound messages are signalled to Temporal: on a lower-priority thread of their own (the
   * default), or on the main thread through `temporal` (tests that control the client).
   */
  inboundRelay?: 'thread' | 'in-process';
  /** Where tenants' ServiceTitan URLs may point; default from NODE_ENV and SERVICETITAN_ALLOWED_HOSTS. */
  serviceTitanEgress?: EgressGuard;
  /** Test connection's throttle (tests that press it often pass a looser one). */
  serviceTitanTestLimiter?: TestConnectionLimiter;
}

export interface App {
  app: Express;
  dispatcher: InboundDispatcher;
  relay: InboundRelay;
  numbers: NumberDirectory;
  temporal: Client;
  /** The one LISTEN connection behind GET /api/events. */
  events: ConversationEventsHub;
  /** Prometheus metrics; api/main.ts serves them on METRICS_PORT. */
  metrics: ApiMetrics;
  close(): Promise<void>;
}

/**
 * Express `trust proxy`. Loopback is always trusted: our own SvelteKit handler calls the API over
 * loopback and says who the person is in X-Forwarded-For (web/src/hooks.server.ts). TRUST_PROXY adds the
 * proxies in front of us: a hop count, or their addresses/subnets.
 */
export function trustProxySetting(setting: TrustProxy): number | string[] {
  if (setting === false) return ['loopback'];
  if (typeof setting === 'number') return setting;
  return ['loopback', ...setting];
}

/**
 * Referrers go to our own origin only (no conversation URL leaks to another site). Not helmet's default
 * `no-referrer`: under it Chrome sends `Origin: null` with a form post, and the web's cross-site check
 * (hooks.server.ts) would refuse our own sign-out form.
 */
const referrerPolicy = { policy: 'same-origin' } as const;
/** JSON and webhook answers are never a document: they may load nothing, run nothing, be framed nowhere. */
const apiHeaders = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  referrerPolicy,
});
/** Pages: every helmet header except CSP, which SvelteKit sets itself with a nonce for its script (web/vite.config.ts). */
const webHeaders = helmet({ contentSecurityPolicy: false, referrerPolicy });

export function createApp(deps: AppDeps): App {
  const { env, db, box, logger } = deps;
  for (const secret of secretsOf(env)) registerSecret(secret);
  const ownsTemporal = !deps.temporal;
  const temporal = deps.temporal ?? lazyTemporalClient(env);
  const numbers = new NumberDirectory(db, box);
  const relay: InboundRelay =
    deps.inboundRelay === 'in-process'
      ? new OutboxRelay({ temporal, db, taskQueue: env.TEMPORAL_TASK_QUEUE, logger })
      : new ThreadedOutboxRelay({ env, logger });
  const announcer = new ConversationAnnouncer({
    db,
    onError: (error, count) => logger.warn('could not announce conversation changes to open inboxes', { error, count }),
  });
  const dispatcher = new InboundDispatcher({ db, relay, announcer });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(env.TRUST_PROXY));
  const metrics = createApiMetrics(db);
  app.use(metrics.webhookTimer);
  app.use(httpLogger({ logger, tenantOf: tenantIdOf }));
  app.use('/api', apiHeaders);
  app.use(twilioInboundRoutes({ publicBaseUrl: env.PUBLIC_BASE_URL, numbers, dispatcher, logger }));
  app.use(twilioStatusRoutes({ db, box, numbers, publicBaseUrl: env.PUBLIC_BASE_URL }));
  app.use(healthRoutes({ db, temporal }));

  // The browser API: signed session cookie, JSON bodies, the session's tenant on every query.
  const cookies = { secure: env.NODE_ENV === 'production' };
  const signedIn = requireUser(db, cookies);
  const guard = mutationGuard(env.PUBLIC_BASE_URL);
  const serviceTitanEgress = deps.serviceTitanEgress ?? serviceTitanEgressFor(env);
  const events = new ConversationEventsHub({ connection: pgConfigOf(db.sequelize.config), logger });
  app.use('/api', cookieParser(env.SESSION_SECRET));
  app.use(authRoutes({ db, cookies, rateLimiter: new LoginRateLimiter({ db }), requireUser: signedIn, mutationGuard: guard }));
  app.use(conversationRoutes({ db, temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, logger, requireUser: signedIn, mutationGuard: guard }));
  app.use(contactRoutes({ db, temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, requireUser: signedIn, mutationGuard: guard }));
  app.use(campaignRoutes({ db, temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, requireUser: signedIn, mutationGuard: guard }));
  app.use(eventRoutes({ db, hub: events, requireUser: signedIn }));
  app.use(temporalCodecRoutes({ env, logger, requireUser: signedIn }));
  app.use(
    settingsRoutes({
      env,
      db,
      box,
      logger,
      temporal,
      serviceTitanTokens: new ServiceTitanTokenCache(),
      serviceTitanEgress,
      ...(deps.serviceTitanTestLimiter ? { serviceTitanTestLimiter: deps.serviceTitanTestLimiter } : {}),
      twilioCredentialsChanged: (tenantId) => numbers.forgetTenant(tenantId),
      requireUser: signedIn,
      mutationGuard: guard,
    }),
  );
  app.use('/api', (_req, _res, next) => next(new NotFoundError('No such API route.')));
  if (deps.web) {
    const web = deps.web;
    app.use(webHeaders, (req, res, next) => {
      // The address Express resolved (through the trusted proxies), for the web's own calls to the API.
      req.headers['x-forwarded-for'] = req.ip;
      web(req, res, next);
    });
  }
  app.use(errorHandler(logger));

  relay.start();
  return {
    app,
    dispatcher,
    relay,
    numbers,
    temporal,
    events,
    metrics,
    async close() {
      await events.close();
      await relay.stop();
      await announcer.drain();
      if (!deps.serviceTitanEgress) serviceTitanEgress.close();
      if (ownsTemporal) await temporal.connection.close();
    },
  };
}
