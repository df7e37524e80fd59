// The messages between the API's main thread and its outbox-relay thread (structured-clone plain data).
import type { Env } from '../../config/env.ts';
import type { PendingInbound } from '../../db/repositories/inbound-messages.ts';
import type { OutboxRelayOptions } from './outbox-relay.ts';

export interface RelayThreadData {
  env: Env;
  /** Tuning passed on to the thread's OutboxRelay. */
  options: RelayTuning;
}

export type RelayTuning = Partial<Omit<OutboxRelayOptions, 'temporal' | 'db' | 'taskQueue' | 'logger'>>;

export type ToRelayThread = { kind: 'deliver'; entry: PendingInbound } | { kind: 'stop' };

export type FromRelayThread = { kind: 'stopped' };
