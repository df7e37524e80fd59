// Encrypts secrets at rest (Twilio auth tokens, ServiceTitan client secrets and app keys) with the
// deployment's ENCRYPTION_KEY. AES-256-GCM authenticates as well as encrypts, so a tampered value or a
// value sealed under another key fails loudly instead of decrypting to garbage.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const version = 'v1';
const ivBytes = 12; // the GCM standard nonce size
const tagBytes = 16;

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

export class SecretBox {
  readonly #key: Buffer;

  /** `base64Key`: the ENCRYPTION_KEY, 32 bytes encoded as base64. */
  constructor(base64Key: string) {
    const key = Buffer.from(base64Key, 'base64');
    if (key.length !== 32) throw new SecretBoxError('ENCRYPTION_KEY must be 32 bytes, base64-encoded');
    this.#key = key;
  }

  /** Returns `v1:<iv b64>:<tag b64>:<ciphertext b64>`; a fresh random IV every time. */
  seal(plain: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: tagBytes });
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [version, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  open(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== version) {
      throw new SecretBoxError('sealed secret is not in the v1:<iv>:<tag>:<ciphertext> format');
    }
    const [, ivText, tagText, ciphertextText] = parts as [string, string, string, string];
    const iv = Buffer.from(ivText, 'base64');
    const tag = Buffer.from(tagText, 'base64');
    if (iv.length !== ivBytes || tag.length !== tagBytes) {
      throw new SecretBoxError('sealed secret has a malformed IV or authentication tag');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: tagBytes });
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(
        'cannot decrypt secret: it was tampered with or sealed under a different ENCRYPTION_KEY',
      );
    }
  }

  /** Whether a stored value looks sealed (used to prove no plaintext reaches the database). */
  static isSealed(value: string): boolean {
    return /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/.test(value);
  }
}
