// Announces conversation changes after their commit, many to one NOTIFY transaction. PostgreSQL serializes
// the commit of every transaction that notifies (a database-wide lock held through the commit's WAL flush),
// so a NOTIFY inside the webhook's statement made each webhook wait for every other notifying commit, the
// worker's included, and kept the webhooks' commits from sharing a flush. The answer path stores its row
// without notifying and hands the event here; one statement per tick announces everything gathered since.
// Live updates are best effort: an event lost with a crashing process only delays the inbox until its
// next refresh (the row itself was committed before the webhook answered).
import type { Database } from './connection.ts';
import { conversationEventsChannel, type ConversationEvent } from './conversation-events.ts';

export interface ConversationAnnouncerOptions {
  db: Database;
  /** Called when an announcement could not be sent (the events are dropped). */
  onError(error: unknown, count: number): void;
}

export class ConversationAnnouncer {
  readonly #o: ConversationAnnouncerOptions;
  /** Payloads to announce, deduplicated: one event per conversation per tick is enough for the inbox. */
  #pending = new Set<string>();
  #flushing: Promise<void> | null = null;
  #scheduled = false;

  constructor(options: ConversationAnnouncerOptions) {
    this.#o = options;
  }

  announce(event: ConversationEvent): void {
    this.#pending.add(JSON.stringify({ tenantId: event.tenantId, id: event.id }));
    if (!this.#scheduled && !this.#flushing) {
      this.#scheduled = true;
      setImmediate(() => void this.#flush());
    }
  }

  /** Resolves when everything announced so far has been sent (or dropped). */
  async drain(): Promise<void> {
    while (this.#flushing || this.#pending.size > 0) await (this.#flushing ?? this.#flush());
  }

  #flush(): Promise<void> {
    this.#scheduled = false;
    if (this.#flushing || this.#pending.size === 0) return this.#flushing ?? Promise.resolve();
    const payloads = [...this.#pending];
    this.#pending = new Set();
    this.#flushing = this.#o.db.sequelize
      .query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', { bind: [conversationEventsChannel, payloads] })
      .then(
        () => undefined,
        (error: unknown) => this.#o.onError(error, payloads.length),
      )
      .finally(() => {
        this.#flushing = null;
        // Whatever arrived while this flush was in flight goes in the next one.
        if (this.#pending.size > 0) void this.#flush();
      });
    return this.#flushing;
  }
}
