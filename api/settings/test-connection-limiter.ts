// "Test connection" is throttled per tenant, in PostgreSQL so every API process counts the same
// attempts: each one makes IntelliSend call out (ServiceTitan throttles token requests, and a
// button pressed in a loop must not turn us into anybody's load generator). rate-limiter-flexible
// keeps the counts in table `rate_limits` (created by the library if missing, shared with the
// other limiters by key prefix); if the database cannot be reached, a per-process count stands in.
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '../../db/connection.ts';

export interface TestConnectionLimitOptions {
  /** Attempts per tenant per window (default 10). */
  points?: number;
  /** Window in seconds (default 60). */
  durationSeconds?: number;
}

export type TestConnectionVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class TestConnectionLimiter {
  readonly #limiter: RateLimiterPostgres;
  readonly #ready: Promise<void>;

  constructor(db: Database, options: TestConnectionLimitOptions = {}) {
    const points = options.points ?? 10;
    const duration = options.durationSeconds ?? 60;
    let settle: (error?: unknown) => void = () => {};
    // Resolves either way: until the table exists (or if it cannot be made) the in-memory limiter counts.
    this.#ready = new Promise<void>((resolve) => (settle = () => resolve()));
    this.#limiter = new RateLimiterPostgres(
      {
        storeClient: db.sequelize,
        storeType: 'sequelize',
        tableName: 'rate_limits',
        keyPrefix: 'servicetitan_test',
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'servicetitan_test', points, duration }),
      },
      (error) => settle(error),
    );
  }

  /** Counts one attempt of the tenant's; not allowed once the window's attempts are used up. */
  async take(tenantId: string): Promise<TestConnectionVerdict> {
    await this.#ready;
    try {
      await this.#limiter.consume(tenantId);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
      throw rejection;
    }
  }
}
