// The cache on its own, with a controlled clock. The token source is a plain function here:
// the HTTP side is covered in client.test.ts against the fake.
import { describe, expect, it } from 'vitest';
import { ServiceTitanTokenCache, type IssuedToken } from './token-cache.ts';

const key = { authUrl: 'https://auth.servicetitan.io/connect/token', clientId: 'cid.a', clientSecret: 'secret-a' };

function counter(expiresInSeconds = 900) {
  let n = 0;
  const source = async (): Promise<IssuedToken> => ({ accessToken: `token-${++n}`, expiresInSeconds });
  return { source, count: () => n };
}

describe('ServiceTitanTokenCache', () => {
  it('reuses a 900 s token until 60 s before it expires', async () => {
    let now = 0;
    const cache = new ServiceTitanTokenCache({ now: () => now });
    const t = counter();
    expect(await cache.get(key, t.source)).toBe('token-1');
    now = 839_999;
    expect(await cache.get(key, t.source)).toBe('token-1');
    now = 840_000;
    expect(await cache.get(key, t.source)).toBe('token-2');
  });

  it('shares one request between concurrent callers, and keeps none that failed', async () => {
    const cache = new ServiceTitanTokenCache();
    let calls = 0;
    let release: (token: IssuedToken) => void = () => {};
    const slow = () => {
      calls++;
      return new Promise<IssuedToken>((resolve) => (release = resolve));
    };
    const all = Promise.all([cache.get(key, slow), cache.get(key, slow), cache.get(key, slow)]);
    release({ accessToken: 'shared', expiresInSeconds: 900 });
    expect(await all).toEqual(['shared', 'shared', 'shared']);
    expect(calls).toBe(1);

    const fresh = new ServiceTitanTokenCache();
    await expect(fresh.get(key, () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await fresh.get(key, counter().source)).toBe('token-1');
  });

  it('keys by auth URL and client id, and never hands a token to another secret', async () => {
    const cache = new ServiceTitanTokenCache();
    const t = counter();
    await cache.get(key, t.source);
    await cache.get({ ...key, authUrl: key.authUrl + '/' }, t.source);
    expect(t.count()).toBe(1);
    await cache.get({ ...key, clientId: 'cid.b' }, t.source);
    await cache.get({ ...key, authUrl: 'https://auth-integration.servicetitan.io/connect/token' }, t.source);
    expect(t.count()).toBe(3);
    expect(await cache.get({ ...key, clientSecret: 'other' }, t.source)).toBe('token-4');
  });

  it('invalidates one key, only the rejected token, or everything', async () => {
    const cache = new ServiceTitanTokenCache();
    const t = counter();
    await cache.get(key, t.source);
    cache.invalidate(key.authUrl, key.clientId, 'some-older-token');
    expect(await cache.get(key, t.source)).toBe('token-1');
    cache.invalidate(key.authUrl, key.clientId, 'token-1');
    expect(await cache.get(key, t.source)).toBe('token-2');
    cache.invalidate(key.authUrl, key.clientId);
    expect(await cache.get(key, t.source)).toBe('token-3');
    cache.invalidateAll();
    expect(await cache.get(key, t.source)).toBe('token-4');
    expect(await cache.get(key, t.source, { forceRefresh: true })).toBe('token-5');
  });
});
