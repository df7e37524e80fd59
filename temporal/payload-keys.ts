// The keys that seal Temporal payloads. The newest key encrypts; every key listed still decrypts, so a
// key can be rotated while histories sealed under the old one are still running or being read.
//
// By default there is one key, derived from ENCRYPTION_KEY with HKDF under a label of its own (so the
// payload key is never the key that seals secrets at rest, and a payload key that leaks reveals nothing
// about ENCRYPTION_KEY). Operators who want to rotate set TEMPORAL_PAYLOAD_KEYS to `id:base64key,…`,
// newest first; the derived key stays readable behind those, so switching from the default loses nothing.
import { createHash, hkdfSync } from 'node:crypto';

export interface PayloadKey {
  /** Written in each payload's `encryption-key-id` metadata; never secret. */
  id: string;
  key: Buffer;
}

export interface PayloadKeyRing {
  /** Encrypts every new payload. */
  current: PayloadKey;
  /** Every key that may decrypt, the current one included, by id. */
  byId: ReadonlyMap<string, PayloadKey>;
}

export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
}

/** `id:base64key` entries, comma-separated; an id is letters, digits, `.`, `_` or `-`. */
export const payloadKeysPattern = /^[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/]{43}=)*$/;

const hkdfInfo = 'intellisend temporal payload codec v1';

/** The payload key HKDF derives from ENCRYPTION_KEY; its id is a fingerprint, so a new ENCRYPTION_KEY gets a new id. */
export function derivedPayloadKey(encryptionKey: string): PayloadKey {
  const ikm = Buffer.from(encryptionKey, 'base64');
  if (ikm.length !== 32) throw new PayloadKeyError('ENCRYPTION_KEY must be 32 bytes, base64-encoded');
  const key = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), hkdfInfo, 32));
  const fingerprint = createHash('sha256').update('key id\0').update(key).digest('hex').slice(0, 12);
  return { id: `derived-${fingerprint}`, key };
}

export function parsePayloadKeys(list: string): PayloadKey[] {
  if (!payloadKeysPattern.test(list)) {
    throw new PayloadKeyError('TEMPORAL_PAYLOAD_KEYS must be `id:base64key` entries (32-byte keys), comma-separated, newest first');
  }
  return list.split(',').map((entry) => {
    const [id, key] = entry.split(':') as [string, string];
    return { id, key: Buffer.from(key, 'base64') };
  });
}

export function payloadKeyRing(config: { ENCRYPTION_KEY: string; TEMPORAL_PAYLOAD_KEYS?: string | undefined }): PayloadKeyRing {
  const derived = derivedPayloadKey(config.ENCRYPTION_KEY);
  const listed = config.TEMPORAL_PAYLOAD_KEYS ? parsePayloadKeys(config.TEMPORAL_PAYLOAD_KEYS) : [];
  const keys = [...listed, derived];
  const byId = new Map<string, PayloadKey>();
  for (const k of keys) {
    if (byId.has(k.id)) throw new PayloadKeyError(`TEMPORAL_PAYLOAD_KEYS lists the key id "${k.id}" twice`);
    byId.set(k.id, k);
  }
  return { current: keys[0]!, byId };
}
