import type { Client } from '@temporalio/client';
import type { Database } from '../../db/connection.ts';
import type { Logger } from '../../logging/logger.ts';
import { markInboundSignalled, pendingInboundMessages, type PendingInbound } from '../../db/repositories/inbound-messages.ts';
import { inboundMessageSignal } from '../../workflows/definitions.ts';
import { signalConversation } from '../temporal/signal-conversation.ts';
import type { InboundRelay } from './inbound-relay.ts';

type OutboxEntry = PendingInbound;

export interface OutboxRelayOptions {
  temporal: Client;
  db: Database;
  taskQueue: string;
  logger: Logger;
  /** Deadline of one signalWithStart. */
  signalTimeoutMs?: number;
  /** How often the sweeper looks for undelivered rows. */
  relayIntervalMs?: number;
  /** Rows younger than this belong to the process that accepted them; older ones are anybody's. */
  staleAfterMs?: number;
  /** Signals in flight at once, across conversations (one conversation is always one at a time). */
  maxConcurrentSignals?: number;
}

/**
 * Delivers stored inbound messages (`relay_pending`) to their conversation workflows, behind the
 * webhook's answer:
 *
 * - Fast path: each conversation has a lane that signals its messages one at a time, in arrival order;
 *   lanes of different conversations run in parallel.
 * - Sweeper: delivers whatever the fast path could not — during and after a Temporal outage, and rows
 *   left behind by a process that died — again one conversation at a time, in arrival order.
 *
 * A message may be signalled twice (a crash between signal and "delivered"); the workflow drops
 * MessageSids it has seen, so that costs nothing.
 */
export class OutboxRelay implements InboundRelay {
  readonly #o: Required<OutboxRelayOptions>;
  /** While undelivered rows may exist, new messages wait for the sweeper so none overtakes an older one. */
  #backlog = true;
  #temporalDownUntil = 0;
  readonly #lanes = new Map<string, OutboxEntry[]>();
  /** Outbox ids being signalled or waiting to be marked delivered: the sweeper leaves them alone. */
  readonly #inFlight = new Set<string>();
  #delivered: string[] = [];
  #activeSignals = 0;
  readonly #signalSlots: Array<() => void> = [];
  #flushTimer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #sweepTimer: NodeJS.Timeout | null = null;
  #sweeping: Promise<void> | null = null;
  #stopped = false;

  constructor(options: OutboxRelayOptions) {
    this.#o = {
      signalTimeoutMs: 3_000,
      relayIntervalMs: 1_000,
      staleAfterMs: 15_000,
      maxConcurrentSignals: 32,
      ...options,
    };
  }

  /** A message just committed: signal it now, unless older ones wait for the sweeper. */
  deliver(entry: OutboxEntry): void {
    if (this.#backlog || this.#stopped) return;
    this.#enqueue(entry);
  }

  #enqueue(entry: OutboxEntry): void {
    this.#inFlight.add(entry.messageId);
    const lane = this.#lanes.get(entry.conversationId);
    if (lane) {
      lane.push(entry);
      return;
    }
    this.#lanes.set(entry.conversationId, [entry]);
    void this.#runLane(entry.conversationId);
  }

  async #runLane(conversationId: string): Promise<void> {
    const lane = this.#lanes.get(conversationId);
    while (lane && lane.length > 0) {
      const entry = lane[0]!;
      const ok = await this.#deliver(entry);
      if (!ok) {
        // Temporal is unreachable: the rest of this lane stays in Postgres for the sweeper, in order.
        for (const left of lane) this.#inFlight.delete(left.messageId);
        break;
      }
      lane.shift();
    }
    this.#lanes.delete(conversationId);
  }

  /** Signals one message; on success it is queued to be marked delivered. */
  async #deliver(entry: OutboxEntry): Promise<boolean> {
    await this.#acquireSignalSlot();
    try {
      await this.#signal(entry);
    } catch (err) {
      const error = errorMessage(err);
      if (!this.#backlog) this.#o.logger.warn('Temporal unreachable; inbound messages wait in Postgres', { error });
      this.#backlog = true;
      this.#temporalDownUntil = Date.now() + 2_000;
      return false;
    } finally {
      this.#releaseSignalSlot();
    }
    this.#delivered.push(entry.messageId);
    this.#flushTimer ??= setTimeout(() => void this.#flushDelivered(), 50);
    return true;
  }

  #signal(entry: OutboxEntry): Promise<unknown> {
    const { temporal, taskQueue, signalTimeoutMs } = this.#o;
    const address = { tenantId: entry.tenantId, conversationId: entry.conversationId };
    return signalConversation({ temporal, taskQueue, timeoutMs: signalTimeoutMs }, address, inboundMessageSignal, [
      { messageId: entry.messageId },
    ]);
  }

  #acquireSignalSlot(): Promise<void> {
    if (this.#activeSignals < this.#o.maxConcurrentSignals) {
      this.#activeSignals++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#signalSlots.push(resolve));
  }

  #releaseSignalSlot(): void {
    const next = this.#signalSlots.shift();
    if (next) next();
    else this.#activeSignals--;
  }

  /** One UPDATE for every message signalled in the last few milliseconds. */
  #flushDelivered(): Promise<void> {
    this.#flushTimer = null;
    const ids = this.#delivered;
    if (ids.length === 0) return this.#flushing;
    this.#delivered = [];
    this.#flushing = this.#flushing
      .then(() => markInboundSignalled(this.#o.db, ids))
      .then(
        () => ids.forEach((id) => this.#inFlight.delete(id)),
        (err: unknown) => {
          // Postgres is down: try again later. Until then the sweeper keeps its hands off these rows.
          this.#o.logger.warn('could not mark inbound messages delivered; will retry', { error: err, count: ids.length });
          this.#delivered.push(...ids);
          if (!this.#stopped) this.#flushTimer ??= setTimeout(() => void this.#flushDelivered(), 1_000);
        },
      );
    return this.#flushing;
  }

  /**
   * Delivers undelivered rows (all of them while in backlog, otherwise only stale ones), each
   * conversation in arrival order. Returns how many were delivered.
   */
  async relayOnce(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const backlog = this.#backlog;
      const batch = await pendingInboundMessages(this.#o.db, {
        limit: 500,
        olderThanMs: backlog ? 0 : this.#o.staleAfterMs,
        excludeIds: [...this.#inFlight],
      });
      if (batch.length === 0) {
        if (backlog && this.#lanes.size === 0) this.#backlog = false;
        return delivered;
      }
      const byConversation = new Map<string, OutboxEntry[]>();
      for (const entry of batch) {
        const list = byConversation.get(entry.conversationId);
        if (list) list.push(entry);
        else byConversation.set(entry.conversationId, [entry]);
      }
      let failed = false;
      await Promise.all(
        [...byConversation.values()].map(async (entries) => {
          for (const entry of entries) {
            if (failed) return;
            this.#inFlight.add(entry.messageId);
            if (!(await this.#deliver(entry))) {
              this.#inFlight.delete(entry.messageId);
              failed = true;
              return;
            }
            delivered++;
          }
        }),
      );
      await this.#flushDelivered();
      if (failed) return delivered;
    }
  }

  start(): void {
    const tick = async () => {
      if (this.#stopped) return;
      if (Date.now() >= this.#temporalDownUntil) {
        this.#sweeping = this.relayOnce()
          .then((n) => {
            if (n > 0) this.#o.logger.info('stored inbound messages delivered to Temporal', { delivered: n });
          })
          .catch((err: unknown) => this.#o.logger.warn('outbox relay failed', { error: err }));
        await this.#sweeping;
      }
      if (!this.#stopped) this.#sweepTimer = setTimeout(tick, this.#o.relayIntervalMs);
    };
    void tick();
  }

  /** Stops sweeping, lets messages being signalled finish (bounded), and records what was delivered. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#sweepTimer) clearTimeout(this.#sweepTimer);
    await this.#sweeping;
    const deadline = Date.now() + this.#o.signalTimeoutMs;
    while (this.#lanes.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    await this.#flushDelivered().catch(() => undefined);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
