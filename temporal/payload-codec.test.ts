import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec } from './payload-codec.ts';
import { derivedPayloadKey, payloadKeyRing, PayloadKeyError } from './payload-keys.ts';

const key = () => randomBytes(32).toString('base64');
const ENCRYPTION_KEY = key();
const value = { from: '+15555550142', body: 'The furnace bangs' };
const plain = defaultPayloadConverter.toPayload(value);
const meta = (p: { metadata?: Record<string, Uint8Array | null> | null }, k: string) => Buffer.from(p.metadata![k]!).toString();

describe('EncryptionCodec', () => {
  it('seals the whole payload under the current key id and opens it again', async () => {
    const codec = new EncryptionCodec(payloadKeyRing({ ENCRYPTION_KEY }));
    const [sealed] = await codec.encode([plain]);
    expect(meta(sealed!, 'encoding')).toBe('binary/encrypted');
    expect(meta(sealed!, 'encryption-key-id')).toBe(derivedPayloadKey(ENCRYPTION_KEY).id);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('5555550142');
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(value);
  });

  it('keeps reading payloads sealed under older keys after a rotation, and seals new ones under the newest', async () => {
    const before = new EncryptionCodec(payloadKeyRing({ ENCRYPTION_KEY }));
    const first = new EncryptionCodec(payloadKeyRing({ ENCRYPTION_KEY, TEMPORAL_PAYLOAD_KEYS: `k0:${key()}` }));
    const old1 = `k1:${key()}`;
    const rotated = new EncryptionCodec(payloadKeyRing({ ENCRYPTION_KEY, TEMPORAL_PAYLOAD_KEYS: `k2:${key()},${old1}` }));
    const underDerived = await before.encode([plain]);
    const underK1 = await new EncryptionCodec(payloadKeyRing({ ENCRYPTION_KEY, TEMPORAL_PAYLOAD_KEYS: old1 })).encode([plain]);
    const [a, b] = await rotated.decode([...underDerived, ...underK1]);
    expect(defaultPayloadConverter.fromPayload(a!)).toEqual(value);
    expect(defaultPayloadConverter.fromPayload(b!)).toEqual(value);
    expect(meta((await rotated.encode([plain]))[0]!, 'encryption-key-id')).toBe('k2');
    // A key id nobody configured is named in the error, so ops know which key to add back.
    await expect(rotated.decode(await first.encode([plain]))).rejects.toThrow(/unknown key id "k0"/);
  });

  it('refuses a tampered payload and one relabelled with another key id', async () => {
    const codec = new EncryptionCodec(payloadKeyRing({ ENCRYPTION_KEY, TEMPORAL_PAYLOAD_KEYS: `a:${key()},b:${key()}` }));
    const [sealed] = await codec.encode([plain]);
    const data = Buffer.from(sealed!.data!);
    data[20]! ^= 1;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow(/tampered/);
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-key-id': Buffer.from('b') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/tampered/);
  });

  it('reads payloads written before the codec as they are', async () => {
    const codec = new EncryptionCodec(payloadKeyRing({ ENCRYPTION_KEY }));
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('validates the key list', () => {
    expect(() => payloadKeyRing({ ENCRYPTION_KEY, TEMPORAL_PAYLOAD_KEYS: 'k1:short' })).toThrow(PayloadKeyError);
    const k = key();
    expect(() => payloadKeyRing({ ENCRYPTION_KEY, TEMPORAL_PAYLOAD_KEYS: `k1:${k},k1:${key()}` })).toThrow(/twice/);
    // The derived key is distinct from ENCRYPTION_KEY itself.
    expect(derivedPayloadKey(ENCRYPTION_KEY).key.toString('base64')).not.toBe(ENCRYPTION_KEY);
  });
});
