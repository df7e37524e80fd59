// Tenant settings (admin only): /api/tenants/:tenantId/… — ServiceTitan, Twilio, booking health, users.
// Signed in first (401), then an admin (403), then the session's own tenant (404), in every handler.
import type { Client } from '@temporalio/client';
import { Router, type RequestHandler } from 'express';
import type { EgressGuard } from '../../clients/egress/index.ts';
import type { ServiceTitanTokenCache } from '../../clients/servicetitan/index.ts';
import type { Env } from '../../config/env.ts';
import type { Database } from '../../db/connection.ts';
import type { Logger } from '../../logging/logger.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { TestConnectionLimiter } from '../settings/test-connection-limiter.ts';
import { bookingHealthRoutes } from './settings-booking-health.ts';
import { serviceTitanSettingsRoutes } from './settings-servicetitan.ts';
import { twilioSettingsRoutes } from './settings-twilio.ts';
import { userRoutes } from './settings-users.ts';

export interface SettingsRoutesDeps {
  env: Env;
  db: Database;
  box: SecretBox;
  logger: Logger;
  temporal: Client;
  /** This process's ServiceTitan tokens (test connection, tag lookup); a save drops the tenant's. */
  serviceTitanTokens: ServiceTitanTokenCache;
  /** Forget cached Twilio credentials of a tenant (NumberDirectory.forgetTenant). */
  twilioCredentialsChanged(tenantId: string): void;
  requireUser: RequestHandler;
  mutationGuard: RequestHandler;
  /** ServiceTitan request timeout for test connection and tag lookups (tests shorten it). */
  serviceTitanTimeoutMs?: number;
  /** Where ServiceTitan URLs may point: checked when saved, and on every request of a test or lookup. */
  serviceTitanEgress: EgressGuard;
  /** Test connection's per-tenant throttle; default 10 a minute, counted in PostgreSQL. */
  serviceTitanTestLimiter?: TestConnectionLimiter;
}

export function settingsRoutes(deps: SettingsRoutesDeps): Router {
  const router = Router();
  router.use('/api/tenants', deps.requireUser, deps.mutationGuard);
  router.use(serviceTitanSettingsRoutes(deps));
  router.use(twilioSettingsRoutes(deps));
  router.use(bookingHealthRoutes(deps));
  router.use(userRoutes(deps));
  return router;
}
