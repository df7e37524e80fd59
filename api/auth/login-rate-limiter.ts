// Failed sign-ins, counted in PostgreSQL (rate-limiter-flexible's RateLimiterPostgres over the
// `rate_limits` table, migration 0008), so every API process shares one count and a restart forgets
// nothing. Two windows: per email (someone guessing one account's password, from however many
// addresses) and per client IP (someone spraying many accounts). Only failures count; a successful
// sign-in clears its email's window. The client IP is Express's req.ip, which TRUST_PROXY makes the
// person's address behind a proxy rather than the proxy's.
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '../../db/connection.ts';

export interface LoginRateLimitOptions {
  db: Database;
  /** Failures allowed per email within the window. */
  maxPerEmail?: number;
  /** Failures allowed per IP (any email) within the window. */
  maxPerIp?: number;
  windowSeconds?: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until another attempt is allowed (only when not allowed). */
  retryAfterSeconds: number;
}

/** The table migration 0008 creates; the library must not try to create it itself. */
const tableName = 'rate_limits';

export class LoginRateLimiter {
  readonly #perEmail: RateLimiterPostgres;
  readonly #perIp: RateLimiterPostgres;

  constructor(options: LoginRateLimitOptions) {
    const duration = options.windowSeconds ?? 15 * 60;
    const store = { storeClient: options.db.sequelize, storeType: 'sequelize', tableName, tableCreated: true };
    this.#perEmail = new RateLimiterPostgres({ ...store, keyPrefix: 'login-email', points: options.maxPerEmail ?? 10, duration });
    this.#perIp = new RateLimiterPostgres({ ...store, keyPrefix: 'login-ip', points: options.maxPerIp ?? 50, duration });
  }

  async check(ip: string, email: string): Promise<RateLimitVerdict> {
    const [byEmail, byIp] = await Promise.all([this.#perEmail.get(email), this.#perIp.get(ip)]);
    const waits = [waitMs(byEmail, this.#perEmail.points), waitMs(byIp, this.#perIp.points)];
    const retryAfterMs = Math.max(...waits);
    return retryAfterMs > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } : { allowed: true, retryAfterSeconds: 0 };
  }

  async recordFailure(ip: string, email: string): Promise<void> {
    await Promise.all([countOne(this.#perEmail, email), countOne(this.#perIp, ip)]);
  }

  async recordSuccess(_ip: string, email: string): Promise<void> {
    await this.#perEmail.delete(email);
  }
}

/** How long until a window at its limit resets; 0 while attempts remain. */
function waitMs(window: RateLimiterRes | null, max: number): number {
  if (!window || window.consumedPoints < max) return 0;
  return Math.max(window.msBeforeNext, 1);
}

/** consume() rejects with a RateLimiterRes once past the limit: for counting failures that is no error. */
async function countOne(limiter: RateLimiterPostgres, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
  }
}
