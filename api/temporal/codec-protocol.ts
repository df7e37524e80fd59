// The Temporal codec server protocol (what the Temporal UI and `temporal --codec-endpoint` send to
// /encode and /decode): `{payloads: [{metadata: {key: base64}, data: base64}]}`, the proto3 JSON form of
// Payload, so every bytes field is base64. The answer has the same shape.
import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/** A history page the UI decodes at once stays well below this; more is not a codec request. */
export const maxCodecPayloads = 2_000;

const bytes = z.union([z.literal(''), z.base64('must be base64')]);

export const codecRequestSchema = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string(), bytes).optional(),
        data: bytes.optional(),
      }),
      { error: 'must be a list of payloads' },
    )
    .max(maxCodecPayloads, `must hold at most ${maxCodecPayloads} payloads`),
});

export interface WirePayload {
  metadata: Record<string, string>;
  data: string;
}

export function payloadFromWire(wire: z.output<typeof codecRequestSchema>['payloads'][number]): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(wire.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(wire.data ?? '', 'base64'),
  };
}

export function payloadToWire(payload: Payload): WirePayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}
