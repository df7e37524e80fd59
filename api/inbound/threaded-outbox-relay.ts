import { Worker } from 'node:worker_threads';
import type { Env } from '../../config/env.ts';
import type { Logger } from '../../logging/logger.ts';
import type { InboundMessage } from '../../workflows/definitions.ts';
import type { OutboxEntry } from './inbound-outbox.ts';
import type { InboundRelay } from './inbound-relay.ts';
import type { FromRelayThread, RelayThreadData, RelayTuning, ToRelayThread } from './relay-thread-protocol.ts';

const threadEntry = new URL('./outbox-relay-thread.ts', import.meta.url);

export interface ThreadedOutboxRelayOptions {
  env: Env;
  logger: Logger;
  tuning?: RelayTuning;
  /** Deadline for a direct signal, thread round trip included. */
  signalTimeoutMs?: number;
}

/**
 * The outbox relay on a thread of its own. Signalling Temporal (gRPC, protobuf, the retries) is most of
 * the API's CPU per inbound message; on its own thread, with its own event loop, it never holds up an
 * answer to Twilio (p99 at 100 req/s: 55 → 19 ms, BENCHMARKS.md). If the thread dies it is restarted,
 * and its sweeper delivers whatever was left in the outbox.
 */
export class ThreadedOutboxRelay implements InboundRelay {
  readonly #o: Required<Omit<ThreadedOutboxRelayOptions, 'tuning'>> & { tuning: RelayTuning };
  #thread: Worker | null = null;
  #nextRequestId = 1;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  #stopping: Promise<void> | null = null;
  #restartTimer: NodeJS.Timeout | null = null;

  constructor(options: ThreadedOutboxRelayOptions) {
    this.#o = { signalTimeoutMs: 5_000, tuning: {}, ...options };
  }

  start(): void {
    if (this.#thread || this.#stopping) return;
    const data: RelayThreadData = { env: this.#o.env, options: this.#o.tuning };
    const thread = new Worker(threadEntry, { workerData: data, name: 'outbox-relay' });
    this.#thread = thread;
    thread.on('message', (message: FromRelayThread) => {
      if (message.kind !== 'signalled') return;
      const waiter = this.#waiting.get(message.requestId);
      this.#waiting.delete(message.requestId);
      if (message.error === null) waiter?.resolve();
      else waiter?.reject(new Error(message.error));
    });
    thread.on('error', (err) => this.#o.logger.error('outbox relay thread failed', { error: err }));
    thread.on('exit', (code) => {
      if (this.#thread === thread) this.#thread = null;
      for (const [id, waiter] of this.#waiting) {
        this.#waiting.delete(id);
        waiter.reject(new Error('the outbox relay thread exited'));
      }
      if (this.#stopping) return;
      // Messages stay in the outbox meanwhile; the new thread's sweeper delivers them.
      this.#o.logger.warn('outbox relay thread exited; restarting it', { code });
      this.#restartTimer = setTimeout(() => this.start(), 1_000);
    });
  }

  /** Ends the thread as a crash would (tests and diagnostics); it is restarted a second later. */
  async terminateThread(): Promise<void> {
    await this.#thread?.terminate();
  }

  deliver(entry: OutboxEntry): void {
    this.#post({ kind: 'deliver', entry });
  }

  signal(message: InboundMessage): Promise<void> {
    const thread = this.#thread;
    if (!thread) return Promise.reject(new Error('the outbox relay thread is not running'));
    const requestId = this.#nextRequestId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(requestId);
        reject(new Error('the outbox relay thread did not answer in time'));
      }, this.#o.signalTimeoutMs);
      this.#waiting.set(requestId, {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
      this.#post({ kind: 'signal', requestId, message });
    });
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    const thread = this.#thread;
    if (!thread) return;
    const stopped = new Promise<void>((resolve) => {
      thread.on('message', (message: FromRelayThread) => message.kind === 'stopped' && resolve());
      thread.once('exit', () => resolve());
    });
    this.#post({ kind: 'stop' });
    // The relay bounds its own drain; this bounds a thread that hangs anyway.
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await thread.terminate();
  }

  #post(message: ToRelayThread): void {
    this.#thread?.postMessage(message);
  }
}
