// The messages between the API's main thread and its outbox-relay thread (structured-clone plain data).
import type { Env } from '../../config/env.ts';
import type { InboundMessage } from '../../workflows/definitions.ts';
import type { OutboxEntry } from './inbound-outbox.ts';
import type { OutboxRelayOptions } from './outbox-relay.ts';

export interface RelayThreadData {
  env: Env;
  /** Tuning passed on to the thread's OutboxRelay. */
  options: RelayTuning;
}

export type RelayTuning = Partial<Omit<OutboxRelayOptions, 'temporal' | 'db' | 'taskQueue' | 'logger'>>;

export type ToRelayThread =
  | { kind: 'deliver'; entry: OutboxEntry }
  | { kind: 'signal'; requestId: number; message: InboundMessage }
  | { kind: 'stop' };

export type FromRelayThread =
  | { kind: 'signalled'; requestId: number; error: string | null }
  | { kind: 'stopped' };
