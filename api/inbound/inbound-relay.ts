// What the webhook's dispatcher needs from whatever carries messages on to Temporal: in this process
// (`OutboxRelay`, tests) or on a thread of its own (`ThreadedOutboxRelay`, the API server).
import type { InboundMessage } from '../../workflows/definitions.ts';
import type { OutboxEntry } from './inbound-outbox.ts';

export interface InboundRelay {
  /** A message committed to the outbox: signal it soon. Never throws; the sweeper covers what this misses. */
  deliver(entry: OutboxEntry): void;
  /** Signals straight to Temporal (used while Postgres is unreachable); resolves once Temporal has it. */
  signal(message: InboundMessage): Promise<void>;
  /** Starts sweeping the outbox for rows nobody delivered. */
  start(): void;
  /** Lets messages being signalled finish (bounded) and records what was delivered. */
  stop(): Promise<void>;
}
