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
 */
export class NumberDirectory {
  readonly #db: Database;
  readonly #box: SecretBox;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { owner: NumberOwner | null; expires: number }>();

  constructor(db: Database, box: SecretBox, ttlMs = 15_000) {
    this.#db = db;
    this.#box = box;
    this.#ttlMs = ttlMs;
  }

  async ownerOf(phone: string): Promise<NumberOwner | null> {
    const hit = this.#cache.get(phone);
    if (hit && hit.expires > Date.now()) return hit.owner;
    try {
      return await this.#lookUp(phone);
    } catch (err) {
      // PostgreSQL is unreachable (restarting, failing over): a number we knew keeps its last known
      // owner, so webhooks are still verified and handed to Temporal instead of failing with a 500
      // that Twilio would not re-deliver. Checked again in a couple of seconds.
      if (!hit?.owner) throw err;
      hit.expires = Date.now() + 2_000;
      return hit.owner;
    }
  }

  async #lookUp(phone: string): Promise<NumberOwner | null> {
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
    this.#cache.set(phone, { owner, expires: Date.now() + (owner ? this.#ttlMs : 2_000) });
    return owner;
  }

  /** Settings changes call this so a new auth token takes effect at once. */
  forgetTenant(tenantId: string): void {
    for (const [phone, entry] of this.#cache) if (entry.owner?.tenantId === tenantId) this.#cache.delete(phone);
  }

  forgetAll(): void {
    this.#cache.clear();
  }
}
