// What the webhook's dispatcher needs from whatever carries stored messages on to Temporal: in this
// process (`OutboxRelay`, tests) or on a thread of its own (`ThreadedOutboxRelay`, the API server).
import type { PendingInbound } from '../../db/repositories/inbound-messages.ts';

export interface InboundRelay {
  /** A message just committed: signal it soon. Never throws; the sweeper covers what this misses. */
  deliver(entry: PendingInbound): void;
  /** Starts sweeping for stored messages nobody delivered. */
  start(): void;
  /** Lets messages being signalled finish (bounded) and records what was delivered. */
  stop(): Promise<void>;
}
