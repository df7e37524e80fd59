import type { Database } from '../../db/connection.ts';
import { registerSecret } from '../../logging/logger.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';

export interface NumberOwner {
  tenantId: string;
  accountSid: string | null;
  authToken: string | null;
}

/**
 * Which tenant owns one of our Twilio numbers, with its decrypted auth token. Cached briefly because
 * every webhook needs it and it changes only when an admin edits Twilio settings.
 *
 * A burst never waits for the database here: concurrent lookups of a number share one query, and a
 * number whose entry has expired is answered with its known owner while one query refreshes it. (At
 * 200 webhooks a second every expiry used to send each request to the database on its own, and the
 * answers of that second waited for the pile of lookups.) Serving the known owner for the length of one
 * query changes nothing that matters: the store statement hangs off the number row, so a number removed
 * meanwhile still writes nothing.
 */
export class NumberDirectory {
  readonly #db: Database;
  readonly #box: SecretBox;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { owner: NumberOwner | null; expires: number }>();
  readonly #lookups = new Map<string, Promise<NumberOwner | null>>();
  /** Bumped by forget*, so a lookup started before a settings change does not cache the old owner. */
  #generation = 0;

  constructor(db: Database, box: SecretBox, ttlMs = 15_000) {
    this.#db = db;
    this.#box = box;
    this.#ttlMs = ttlMs;
  }

  async ownerOf(phone: string): Promise<NumberOwner | null> {
    const hit = this.#cache.get(phone);
    if (hit && hit.expires > Date.now()) return hit.owner;
    const lookup = this.#lookUpOnce(phone);
    if (!hit?.owner) return lookup;
    // PostgreSQL unreachable (restarting, failing over): a number we knew keeps its last known owner, so
    // webhooks are still verified and stored or refused with a 503 by the store itself, never a 500 that
    // Twilio would not re-deliver. Checked again in a couple of seconds.
    lookup.catch(() => (hit.expires = Date.now() + 2_000));
    return hit.owner;
  }

  #lookUpOnce(phone: string): Promise<NumberOwner | null> {
    let lookup = this.#lookups.get(phone);
    if (!lookup) {
      lookup = this.#lookUp(phone).finally(() => this.#lookups.delete(phone));
      this.#lookups.set(phone, lookup);
    }
    return lookup;
  }

  async #lookUp(phone: string): Promise<NumberOwner | null> {
    const generation = this.#generation;
    const number = await this.#db.models.PhoneNumber.findOne({ where: { phone } });
    let owner: NumberOwner | null = null;
    if (number) {
      const tenant = await this.#db.models.Tenant.findByPk(number.tenantId);
      if (tenant) {
        const authToken = tenant.twilioAuthToken ? this.#box.open(tenant.twilioAuthToken) : null;
        registerSecret(authToken);
        owner = { tenantId: tenant.id, accountSid: tenant.twilioAccountSid, authToken };
      }
    }
    if (generation === this.#generation) this.#cache.set(phone, { owner, expires: Date.now() + (owner ? this.#ttlMs : 2_000) });
    return owner;
  }

  /** Settings changes call this so a new auth token takes effect at once. */
  forgetTenant(tenantId: string): void {
    this.#generation++;
    for (const [phone, entry] of this.#cache) if (entry.owner?.tenantId === tenantId) this.#cache.delete(phone);
  }

  forgetAll(): void {
    this.#generation++;
    this.#cache.clear();
  }
}
