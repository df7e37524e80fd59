// Failed sign-ins, counted in memory per process (a restart or a second API process starts fresh; a
// shared store such as a Postgres table would be needed to enforce it across processes).
// Two windows: per IP + email (someone guessing one account's password) and per IP (someone spraying
// many accounts). A successful sign-in clears its IP + email window.

export interface LoginRateLimitOptions {
  /** Failures allowed per IP + email within the window. */
  maxPerAccount?: number;
  /** Failures allowed per IP (any email) within the window. */
  maxPerIp?: number;
  windowMs?: number;
  now?: () => number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until another attempt is allowed (only when not allowed). */
  retryAfterSeconds: number;
}

export class LoginRateLimiter {
  readonly #maxPerAccount: number;
  readonly #maxPerIp: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, number[]>();

  constructor(options: LoginRateLimitOptions = {}) {
    this.#maxPerAccount = options.maxPerAccount ?? 10;
    this.#maxPerIp = options.maxPerIp ?? 50;
    this.#windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  check(ip: string, email: string): RateLimitVerdict {
    const now = this.#now();
    const waits = [
      this.#wait(this.#recent(accountKey(ip, email), now), this.#maxPerAccount, now),
      this.#wait(this.#recent(ipKey(ip), now), this.#maxPerIp, now),
    ];
    const retryAfterMs = Math.max(...waits);
    return retryAfterMs > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } : { allowed: true, retryAfterSeconds: 0 };
  }

  recordFailure(ip: string, email: string): void {
    const now = this.#now();
    for (const key of [accountKey(ip, email), ipKey(ip)]) {
      const list = this.#recent(key, now);
      list.push(now);
      this.#failures.set(key, list);
    }
    if (this.#failures.size > 10_000) this.#sweep(now);
  }

  recordSuccess(ip: string, email: string): void {
    this.#failures.delete(accountKey(ip, email));
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => now - t < this.#windowMs);
  }

  /** How long until the oldest failure that puts this window at its limit leaves it. */
  #wait(recent: number[], max: number, now: number): number {
    if (recent.length < max) return 0;
    const oldestThatCounts = recent[recent.length - max] ?? now;
    return oldestThatCounts + this.#windowMs - now;
  }

  #sweep(now: number): void {
    for (const [key, list] of this.#failures) {
      const recent = list.filter((t) => now - t < this.#windowMs);
      if (recent.length === 0) this.#failures.delete(key);
      else this.#failures.set(key, recent);
    }
  }
}

const accountKey = (ip: string, email: string) => `a\0${ip}\0${email}`;
const ipKey = (ip: string) => `i\0${ip}`;
