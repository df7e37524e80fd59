import { Worker } from 'node:worker_threads';
import type { Env } from '../../config/env.ts';
import type { Logger } from '../../logging/logger.ts';
import type { PendingInbound } from '../../db/repositories/inbound-messages.ts';
import type { InboundRelay } from './inbound-relay.ts';
import type { FromRelayThread, RelayThreadData, RelayTuning, ToRelayThread } from './relay-thread-protocol.ts';

const threadEntry = new URL('./outbox-relay-thread.ts', import.meta.url);

export interface ThreadedOutboxRelayOptions {
  env: Env;
  logger: Logger;
  tuning?: RelayTuning;
}

/**
 * The outbox relay on a thread of its own. Signalling Temporal (gRPC, protobuf, the retries) is most of
 * the API's CPU per inbound message; on its own thread, with its own event loop, it never holds up an
 * answer to Twilio (p99 at 100 req/s: 55 → 19 ms, BENCHMARKS.md). If the thread dies it is restarted,
 * and its sweeper delivers whatever stored messages were left.
 */
export class ThreadedOutboxRelay implements InboundRelay {
  readonly #o: Required<Omit<ThreadedOutboxRelayOptions, 'tuning'>> & { tuning: RelayTuning };
  #thread: Worker | null = null;
  #stopping: Promise<void> | null = null;
  #restartTimer: NodeJS.Timeout | null = null;

  constructor(options: ThreadedOutboxRelayOptions) {
    this.#o = { tuning: {}, ...options };
  }

  start(): void {
    if (this.#thread || this.#stopping) return;
    const data: RelayThreadData = { env: this.#o.env, options: this.#o.tuning };
    const thread = new Worker(threadEntry, { workerData: data, name: 'outbox-relay' });
    this.#thread = thread;
    thread.on('error', (err) => this.#o.logger.error('outbox relay thread failed', { error: err }));
    thread.on('exit', (code) => {
      if (this.#thread === thread) this.#thread = null;
      if (this.#stopping) return;
      // Messages wait in Postgres meanwhile; the new thread's sweeper delivers them.
      this.#o.logger.warn('outbox relay thread exited; restarting it', { code });
      this.#restartTimer = setTimeout(() => this.start(), 1_000);
    });
  }

  /** Ends the thread as a crash would (tests and diagnostics); it is restarted a second later. */
  async terminateThread(): Promise<void> {
    await this.#thread?.terminate();
  }

  deliver(entry: PendingInbound): void {
    this.#post({ kind: 'deliver', entry });
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
