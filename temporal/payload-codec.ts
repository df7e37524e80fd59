// Seals every Temporal payload (workflow and activity inputs and results, signals, queries, memo,
// failure details) with AES-256-GCM before it leaves the process, so the Temporal server, its database
// and anyone reading a history with the plain CLI or UI see ciphertext, never a message body or a phone
// number. The whole original payload (its metadata too) is encrypted; the envelope says only
// `encoding: binary/encrypted` and which key sealed it (`encryption-key-id`), so keys can rotate.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { PayloadKeyRing } from './payload-keys.ts';

export const encryptedEncoding = 'binary/encrypted';
export const keyIdMetadataKey = 'encryption-key-id';

const ivBytes = 12; // the GCM standard nonce size
const tagBytes = 16;
const PayloadMessage = proto.temporal.api.common.v1.Payload;

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}

export class EncryptionCodec implements PayloadCodec {
  readonly #keys: PayloadKeyRing;

  constructor(keys: PayloadKeyRing) {
    this.#keys = keys;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.#keys.current;
    return payloads.map((payload) => {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
      // The key id is authenticated data: an envelope relabelled with another id fails to open.
      cipher.setAAD(Buffer.from(id));
      const plain = PayloadMessage.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: Buffer.from(encryptedEncoding), [keyIdMetadataKey]: Buffer.from(id) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // Payloads written before the codec (or by a tool without it) are read as they are.
      if (metadataText(payload, METADATA_ENCODING_KEY) !== encryptedEncoding) return payload;
      const id = metadataText(payload, keyIdMetadataKey);
      const entry = id === undefined ? undefined : this.#keys.byId.get(id);
      if (!id || !entry) throw new ValueError(`Payload sealed under an unknown key id "${id ?? ''}": add that key to TEMPORAL_PAYLOAD_KEYS`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < ivBytes + tagBytes) throw new ValueError('Encrypted payload is too short');
      try {
        const decipher = createDecipheriv('aes-256-gcm', entry.key, data.subarray(0, ivBytes), { authTagLength: tagBytes });
        decipher.setAAD(Buffer.from(id));
        decipher.setAuthTag(data.subarray(data.length - tagBytes));
        const plain = Buffer.concat([decipher.update(data.subarray(ivBytes, data.length - tagBytes)), decipher.final()]);
        return PayloadMessage.decode(plain);
      } catch {
        throw new ValueError(`Encrypted payload does not open under key "${id}": it was tampered with or sealed under another key`);
      }
    });
  }
}
