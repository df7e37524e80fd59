// Access tokens, shared by every ServiceTitanClient of the process. ServiceTitan throttles token
// requests, so a token is reused until shortly before it expires, and concurrent callers wait
// on one request instead of each asking for a token.
import { createHash } from 'node:crypto';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

export interface TokenCacheKey {
  authUrl: string;
  clientId: string;
  /**
   * Not part of the key: only its hash is kept, so a token obtained with one secret is never
   * handed out for another (a "test connection" with a mistyped secret must fail, not reuse
   * the token of the saved one).
   */
  clientSecret: string;
}

export interface TokenCacheOptions {
  /** Renew this long before expiry (default 60 s; at most a quarter of a token's lifetime). */
  renewBeforeExpiryMs?: number;
  now?: () => number;
}

interface Entry {
  accessToken: string;
  expiresAt: number;
  renewAt: number;
  secretHash: string;
}

const defaultRenewBeforeExpiryMs = 60_000;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function cacheKey(authUrl: string, clientId: string): string {
  return JSON.stringify([authUrl.replace(/\/+$/, ''), clientId]);
}

export class ServiceTitanTokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<Entry>>();
  readonly #renewBeforeExpiryMs: number;
  readonly #now: () => number;

  constructor(options: TokenCacheOptions = {}) {
    this.#renewBeforeExpiryMs = options.renewBeforeExpiryMs ?? defaultRenewBeforeExpiryMs;
    this.#now = options.now ?? Date.now;
  }

  /** A live token for the key: the cached one, the one being requested, or a new one from `requestToken`. */
  async get(
    key: TokenCacheKey,
    requestToken: () => Promise<IssuedToken>,
    options: { forceRefresh?: boolean } = {},
  ): Promise<string> {
    const k = cacheKey(key.authUrl, key.clientId);
    const secretHash = hashSecret(key.clientSecret);
    const cached = this.#entries.get(k);
    if (!options.forceRefresh && cached && cached.secretHash === secretHash && this.#now() < cached.renewAt) {
      return cached.accessToken;
    }
    const flightKey = `${k}:${secretHash}`;
    let flight = this.#inFlight.get(flightKey);
    if (!flight) {
      flight = this.#request(k, secretHash, requestToken).finally(() => this.#inFlight.delete(flightKey));
      this.#inFlight.set(flightKey, flight);
    }
    return (await flight).accessToken;
  }

  /**
   * Drops the cached token of (authUrl, clientId). With `rejectedToken`, only if that is still
   * the cached one: many requests failing with 401 at once then renew the token once, not once each.
   */
  invalidate(authUrl: string, clientId: string, rejectedToken?: string): void {
    const k = cacheKey(authUrl, clientId);
    const cached = this.#entries.get(k);
    if (!cached) return;
    if (rejectedToken === undefined || cached.accessToken === rejectedToken) this.#entries.delete(k);
  }

  invalidateAll(): void {
    this.#entries.clear();
  }

  async #request(k: string, secretHash: string, requestToken: () => Promise<IssuedToken>): Promise<Entry> {
    const issued = await requestToken();
    const now = this.#now();
    const lifetimeMs = Math.max(0, issued.expiresInSeconds * 1000);
    // Short-lived tokens (a test server's, say) would never be reused with a fixed 60 s margin.
    const margin = Math.min(this.#renewBeforeExpiryMs, lifetimeMs / 4);
    const entry: Entry = {
      accessToken: issued.accessToken,
      expiresAt: now + lifetimeMs,
      renewAt: now + lifetimeMs - margin,
      secretHash,
    };
    this.#entries.set(k, entry);
    return entry;
  }
}
