// The one data converter of every Temporal Client, Connection user and Worker in IntelliSend (API,
// its outbox-relay thread, worker, CLI, tests, benchmarks): every payload sealed by EncryptionCodec and
// failure texts moved into sealed payloads. A client without it could not read what the worker wrote.
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { Env } from '../config/env.ts';
import { EncryptionCodec } from './payload-codec.ts';
import { payloadKeyRing } from './payload-keys.ts';

export type PayloadKeyConfig = Pick<Env, 'ENCRYPTION_KEY' | 'TEMPORAL_PAYLOAD_KEYS'>;

export const failureConverterPath = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));

export function payloadCodec(config: PayloadKeyConfig): EncryptionCodec {
  return new EncryptionCodec(payloadKeyRing(config));
}

/** For `new Client({…, dataConverter})`, `Worker.create({…, dataConverter})` and `Worker.runReplayHistory`. */
export function dataConverter(config: PayloadKeyConfig): DataConverter {
  return { payloadCodecs: [payloadCodec(config)], failureConverterPath };
}
