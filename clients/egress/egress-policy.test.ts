// The egress guard's decisions as pure functions: no socket is opened in this file.
import { describe, expect, it } from 'vitest';
import { classifyAddress, type AddressKind } from './address-class.ts';
import { decideAddress, decideAddresses, decideUrl, parseAllowedHosts, type EgressPolicy, type EgressTarget } from './egress-policy.ts';

const production: EgressPolicy = {
  mode: 'production',
  allowedHosts: parseAllowedHosts('api.servicetitan.io, auth.servicetitan.io, staging-proxy.internal:8443, 127.0.0.1:9443'),
};
const development: EgressPolicy = { ...production, mode: 'development' };

describe('what kind of address it is', () => {
  const refused: Array<[string, AddressKind]> = [
    ['127.0.0.1', 'loopback'],
    ['127.10.20.30', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['100.127.255.254', 'carrier-grade-nat'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.5', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['64:ff9b::a00:5', 'translated'],
    ['2002:a00:5::1', 'translated'],
    ['2001:db8::1', 'reserved'],
    ['not-an-address', 'invalid'],
    ['', 'invalid'],
  ];
  it.each(refused)('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(classifyAddress(address)).toBe('public');
    },
  );
});

describe('which URLs production allows', () => {
  it('allows https on 443 to a listed host, as a base URL and with a request path and query', () => {
    expect(decideUrl(production, 'https://api.servicetitan.io', { base: true })).toMatchObject({ ok: true, target: { port: 443, explicit: false } });
    expect(decideUrl(production, 'https://API.ServiceTitan.io:443/crm/v2/tenant/1/bookings?pageSize=1', { base: false })).toMatchObject({ ok: true });
  });

  const refusals: Array<[string, string]> = [
    ['not a url', 'not_a_url'],
    ['ftp://api.servicetitan.io', 'scheme'],
    ['http://api.servicetitan.io', 'scheme'],
    ['http://127.0.0.1:3000', 'scheme'],
    ['https://user:pass@api.servicetitan.io', 'credentials'],
    ['https://api.servicetitan.io/?debug=1', 'query_or_fragment'],
    ['https://api.servicetitan.io/?', 'query_or_fragment'],
    ['https://api.servicetitan.io/#x', 'query_or_fragment'],
    ['https://api.servicetitan.io:8443', 'port'],
    ['https://staging-proxy.internal', 'host'],
    ['https://127.0.0.1:9444', 'host'], // listed with another port only
    ['https://127.0.0.1', 'host'],
    ['https://10.0.0.5', 'host'],
    ['https://169.254.169.254/latest/meta-data', 'host'],
    ['https://[::1]:9443', 'host'],
    ['https://localhost:9443', 'host'],
    ['https://api.servicetitan.io.evil.example', 'host'],
    ['https://0x7f.1:9443', 'explicit'],
    ['https://2130706433:9443', 'explicit'],
  ];
  it.each(refusals)('%s → %s', (url, reason) => {
    const decision = decideUrl(production, url, { base: true });
    if (reason === 'explicit') {
      // WHATWG URL spells 0x7f.1 as 127.0.0.1: the listed entry, as the operator chose.
      expect(decision).toMatchObject({ ok: true, target: { hostname: '127.0.0.1', explicit: true } });
      return;
    }
    expect(decision).toEqual({ ok: false, refusal: { reason } });
  });

  it('judges an IP literal listed without a port by its address, since nothing is looked up', () => {
    const policy: EgressPolicy = { mode: 'production', allowedHosts: parseAllowedHosts('10.0.0.5,8.8.8.8,[fd00::1]') };
    expect(decideUrl(policy, 'https://10.0.0.5', { base: true })).toEqual({ ok: false, refusal: { reason: 'address', addressKind: 'private' } });
    expect(decideUrl(policy, 'https://[fd00::1]', { base: true })).toEqual({ ok: false, refusal: { reason: 'address', addressKind: 'unique-local' } });
    expect(decideUrl(policy, 'https://8.8.8.8', { base: true })).toMatchObject({ ok: true });
  });

  it('allows exactly a listed host:port, whatever it resolves to', () => {
    const decision = decideUrl(production, 'https://staging-proxy.internal:8443/connect/token', { base: true });
    expect(decision).toMatchObject({ ok: true, target: { hostname: 'staging-proxy.internal', port: 8443, explicit: true } });
    if (!decision.ok) return;
    expect(decideAddress(decision.target, '10.0.0.5')).toEqual({ ok: true });
  });
});

describe('development', () => {
  it('also allows loopback over http or https on any port', () => {
    for (const url of ['http://127.0.0.1:3000', 'http://localhost:4000/connect/token', 'https://[::1]:8443', 'http://127.0.0.2:1']) {
      expect(decideUrl(development, url, { base: true })).toMatchObject({ ok: true, target: { loopback: true } });
    }
  });
  it('keeps every other rule', () => {
    expect(decideUrl(development, 'http://10.0.0.5', { base: true })).toEqual({ ok: false, refusal: { reason: 'scheme' } });
    expect(decideUrl(development, 'https://10.0.0.5', { base: true })).toEqual({ ok: false, refusal: { reason: 'host' } });
    expect(decideUrl(development, 'http://api.servicetitan.io', { base: true })).toEqual({ ok: false, refusal: { reason: 'scheme' } });
    expect(decideUrl(development, 'http://user:pw@127.0.0.1:3000', { base: true })).toEqual({ ok: false, refusal: { reason: 'credentials' } });
  });
});

describe('the addresses a name resolves to, at connect time', () => {
  const target = (url: string, policy: EgressPolicy = production): EgressTarget => {
    const decision = decideUrl(policy, url, { base: false });
    if (!decision.ok) throw new Error(`expected ${url} to pass the URL check`);
    return decision.target;
  };

  it('a listed host must resolve to public addresses only: one refused address refuses the name', () => {
    const api = target('https://api.servicetitan.io/crm/v2');
    expect(decideAddresses(api, ['52.1.2.3', '2600:1f18::1'])).toEqual({ ok: true });
    expect(decideAddresses(api, ['127.0.0.1'])).toEqual({ ok: false, refusal: { reason: 'address', addressKind: 'loopback' } });
    expect(decideAddresses(api, ['52.1.2.3', '10.0.0.5'])).toEqual({ ok: false, refusal: { reason: 'address', addressKind: 'private' } });
    expect(decideAddresses(api, ['::ffff:169.254.169.254'])).toEqual({ ok: false, refusal: { reason: 'address', addressKind: 'link-local' } });
  });

  it('a development loopback name must resolve to loopback only', () => {
    const local = target('http://localhost:3000', development);
    expect(decideAddresses(local, ['127.0.0.1', '::1'])).toEqual({ ok: true });
    expect(decideAddresses(local, ['10.0.0.5'])).toEqual({ ok: false, refusal: { reason: 'address', addressKind: 'private' } });
    expect(decideAddresses(local, ['8.8.8.8'])).toEqual({ ok: false, refusal: { reason: 'address' } });
  });
});

describe('SERVICETITAN_ALLOWED_HOSTS', () => {
  it('reads host and host:port entries, normalised as URLs spell hosts', () => {
    expect(parseAllowedHosts(' API.ServiceTitan.io , proxy.internal:8443,[::1]:9443,,')).toEqual([
      { host: 'api.servicetitan.io' },
      { host: 'proxy.internal', port: 8443 },
      { host: '[::1]', port: 9443 },
    ]);
  });
  it.each(['https://api.servicetitan.io', 'api.servicetitan.io/path', 'user@host', 'host:0', 'host:99999', 'host:port'])('refuses "%s"', (entry) => {
    expect(() => parseAllowedHosts(entry)).toThrow(/is not a host name or host:port/);
  });
});
