import { describe, expect, it } from 'vitest';
import { hashPassword, passwordWeakness, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('hashes as scrypt$16384$8$1$salt$hash and verifies', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('answers false, never throws, for malformed stored hashes', async () => {
    for (const stored of ['', 'plain', 'bcrypt$x', 'scrypt$0$8$1$AAAA$AAAA', 'scrypt$16384$8$1$$', 'scrypt$a$b$c$d$e']) {
      expect(await verifyPassword('anything', stored)).toBe(false);
    }
  });

  it('refuses empty, short and trivially weak passwords', () => {
    expect(passwordWeakness('')).toMatch(/empty/);
    expect(passwordWeakness('        ')).toMatch(/empty/);
    expect(passwordWeakness('abc123')).toMatch(/at least 8/);
    expect(passwordWeakness('aaaaaaaaaa')).toMatch(/repeated/);
    expect(passwordWeakness('Password123')).toMatch(/common/);
    expect(passwordWeakness('tulip-radar-42')).toBeNull();
  });
});
