// Password hashing for operator- and admin-created users. scrypt is in node:crypto, memory-hard, and
// its parameters travel with the hash so they can be raised later without breaking old hashes.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const r = 8;
const p = 1;
const keyLength = 64;
const saltBytes = 16;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128·N·r bytes; leave headroom for stronger parameters read from a stored hash.
    scrypt(password.normalize('NFKC'), salt, keyLength, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(saltBytes);
  const hash = await derive(password, salt, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** False for a wrong password and for a malformed stored hash; never throws on user input. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [cost, blockSize, parallelism] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![cost, blockSize, parallelism].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length === 0 || expected.length === 0) return false;
  const actual = await derive(password, salt, { N: cost, r: blockSize, p: parallelism });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export const minimumPasswordLength = 8;

/** Why a new password is refused, or null when it is acceptable. Shared by the CLI and the API. */
export function passwordWeakness(password: string): string | null {
  if (password.trim().length === 0) return 'password must not be empty';
  if (password.length < minimumPasswordLength) return `password must be at least ${minimumPasswordLength} characters`;
  if (password.length > 1024) return 'password must be at most 1024 characters';
  if (/^(.)\1*$/.test(password)) return 'password must not be a single repeated character';
  const common = ['password', 'password1', 'password123', '12345678', '123456789', '1234567890', 'qwertyui', 'letmein1'];
  if (common.includes(password.toLowerCase())) return 'password is too common';
  return null;
}
