// One PostgreSQL LISTEN connection per API process, fanned out to every open event stream of the
// notified tenant. Started on the first subscriber; reconnects with backoff if the connection drops,
// and then tells subscribers to resync (they may have missed events meanwhile).
import pg from 'pg';
import { conversationEventsChannel, type ConversationEvent } from '../../db/conversation-events.ts';
import type { Logger } from '../../logging/logger.ts';

export type LiveEvent = { type: 'conversation.updated'; id: string } | { type: 'resync' };
export type Subscriber = (event: LiveEvent) => void;

export interface ConversationEventsHubOptions {
  /** pg client settings of the database the workers notify on. */
  connection: pg.ClientConfig;
  logger: Logger;
}

function parseEvent(payload: string | undefined): ConversationEvent | null {
  if (!payload) return null;
  try {
    const value: unknown = JSON.parse(payload);
    if (value && typeof value === 'object' && 'tenantId' in value && 'id' in value) {
      const { tenantId, id } = value;
      if (typeof tenantId === 'string' && typeof id === 'string') return { tenantId, id };
    }
  } catch {
    // ignored below
  }
  return null;
}

export class ConversationEventsHub {
  readonly #options: ConversationEventsHubOptions;
  readonly #byTenant = new Map<string, Set<Subscriber>>();
  #client: pg.Client | null = null;
  #connecting: Promise<void> | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #retryDelayMs = 500;
  #closed = false;

  constructor(options: ConversationEventsHubOptions) {
    this.#options = options;
  }

  /** Resolves once the LISTEN is in place (so no event after this call is missed); returns unsubscribe. */
  async subscribe(tenantId: string, subscriber: Subscriber): Promise<() => void> {
    let set = this.#byTenant.get(tenantId);
    if (!set) this.#byTenant.set(tenantId, (set = new Set()));
    set.add(subscriber);
    const unsubscribe = () => {
      const current = this.#byTenant.get(tenantId);
      current?.delete(subscriber);
      if (current && current.size === 0) this.#byTenant.delete(tenantId);
    };
    try {
      await this.#ensureListening();
    } catch (err) {
      unsubscribe();
      throw err;
    }
    return unsubscribe;
  }

  get subscriberCount(): number {
    let n = 0;
    for (const set of this.#byTenant.values()) n += set.size;
    return n;
  }

  #ensureListening(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the event hub is closed'));
    if (this.#client) return Promise.resolve();
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.#options.connection);
    client.on('notification', (msg) => {
      if (msg.channel !== conversationEventsChannel) return;
      const event = parseEvent(msg.payload);
      if (event) this.#deliver(event.tenantId, { type: 'conversation.updated', id: event.id });
    });
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${conversationEventsChannel}`);
    if (this.#closed) {
      await client.end().catch(() => {});
      throw new Error('the event hub is closed');
    }
    this.#client = client;
    this.#retryDelayMs = 500;
  }

  #deliver(tenantId: string, event: LiveEvent): void {
    for (const subscriber of this.#byTenant.get(tenantId) ?? []) {
      try {
        subscriber(event);
      } catch (err) {
        this.#options.logger.warn('event subscriber failed', { error: err });
      }
    }
  }

  #lost(client: pg.Client, err: Error): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = null;
    client.end().catch(() => {});
    this.#options.logger.warn('lost the conversation events connection; reconnecting', { error: err.message });
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retryTimer || this.#byTenant.size === 0) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#ensureListening()
        .then(() => {
          for (const tenantId of this.#byTenant.keys()) this.#deliver(tenantId, { type: 'resync' });
        })
        .catch(() => {
          this.#retryDelayMs = Math.min(this.#retryDelayMs * 2, 30_000);
          this.#scheduleReconnect();
        });
    }, this.#retryDelayMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    await this.#connecting?.catch(() => {});
    const client = this.#client;
    this.#client = null;
    this.#byTenant.clear();
    if (client) await client.end().catch(() => {});
  }
}

/** pg settings from the Sequelize instance's own configuration (same database, same credentials). */
export function pgConfigOf(config: {
  host?: string;
  port?: string | number;
  database?: string;
  username?: string;
  password?: string | null;
  ssl?: unknown;
  dialectOptions?: unknown;
}): pg.ClientConfig {
  return {
    host: config.host,
    port: config.port === undefined ? undefined : Number(config.port),
    database: config.database,
    user: config.username,
    password: config.password ?? undefined,
    ...sslOf(config.ssl ?? sslOption(config.dialectOptions)),
  };
}

function sslOption(dialectOptions: unknown): unknown {
  return dialectOptions && typeof dialectOptions === 'object' && 'ssl' in dialectOptions ? dialectOptions.ssl : undefined;
}

function sslOf(ssl: unknown): Pick<pg.ClientConfig, 'ssl'> {
  if (ssl === true || ssl === 'true') return { ssl: true };
  if (ssl && typeof ssl === 'object') return { ssl: ssl as NonNullable<pg.ClientConfig['ssl']> };
  return {};
}
