import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretBoxError } from './secret-box.ts';

const key = () => randomBytes(32).toString('base64');

describe('SecretBox', () => {
  it('round-trips text, including unicode and the empty string', () => {
    const box = new SecretBox(key());
    for (const plain of ['a1b2c3d4e5f6', 'ключ 🔑', '']) expect(box.open(box.seal(plain))).toBe(plain);
  });

  it('writes v1:<iv>:<tag>:<ciphertext> with a fresh IV each time', () => {
    const box = new SecretBox(key());
    const a = box.seal('same secret');
    const b = box.seal('same secret');
    expect(a).not.toBe(b);
    expect(a).not.toContain('same secret');
    const [version, iv, tag] = a.split(':');
    expect(version).toBe('v1');
    expect(Buffer.from(iv!, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64')).toHaveLength(16);
    expect(SecretBox.isSealed(a)).toBe(true);
    expect(SecretBox.isSealed('plain-token')).toBe(false);
  });

  it('refuses a tampered ciphertext, tag or IV', () => {
    const box = new SecretBox(key());
    const [v, iv, tag, ct] = box.seal('auth-token-123').split(':') as [string, string, string, string];
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64');
    };
    for (const sealed of [[v, iv, tag, flip(ct)], [v, iv, flip(tag), ct], [v, flip(iv), tag, ct]]) {
      expect(() => box.open(sealed.join(':'))).toThrow(/tampered|different ENCRYPTION_KEY/);
    }
  });

  it('refuses a value sealed under another key', () => {
    const sealed = new SecretBox(key()).seal('secret');
    expect(() => new SecretBox(key()).open(sealed)).toThrow(SecretBoxError);
  });

  it('refuses malformed input and bad keys clearly', () => {
    const box = new SecretBox(key());
    expect(() => box.open('not sealed')).toThrow(/format/);
    expect(() => box.open('v2:a:b:c')).toThrow(/format/);
    expect(() => box.open('v1:AAAA:AAAA:AAAA')).toThrow(/malformed/);
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
