// Where IntelliSend may connect when a URL came from a tenant: pure decisions, no I/O. The URL is
// judged before anything is sent; the addresses a name resolves to are judged again at connect
// time (guarded-fetch.ts), so a name that changes its answer between the two cannot pass.
import { isIP } from 'node:net';
import { classifyAddress, type RefusedAddressKind } from './address-class.ts';

/** An operator's allow-list entry: `host` (port 443, public addresses only) or exactly `host:port`. */
export interface AllowedHost {
  /** As URL.hostname spells it: lower case, IPv6 in brackets. */
  host: string;
  /** Set for a `host:port` entry: the operator's explicit choice, allowed as listed. */
  port?: number;
}

export interface EgressPolicy {
  /**
   * `production`: https on port 443 to an allowed host that resolves only to public addresses, or
   * exactly an allowed `host:port`. `development` (and test) also allows loopback, over http or https
   * on any port, for the fakes and local stand-ins.
   */
  mode: 'production' | 'development';
  allowedHosts: readonly AllowedHost[];
}

export type EgressRefusalReason =
  | 'not_a_url'
  | 'scheme'
  | 'credentials'
  | 'query_or_fragment'
  | 'host'
  | 'port'
  | 'address'
  | 'redirect';

export interface EgressRefusal {
  reason: EgressRefusalReason;
  /** For `address`: what kind of address it was (never the address itself). */
  addressKind?: RefusedAddressKind;
}

/** A URL the policy lets through, and why: what the connect-time address check must hold it to. */
export interface EgressTarget {
  url: URL;
  /** URL.hostname without IPv6 brackets: what is resolved and connected to. */
  hostname: string;
  port: number;
  /** Matched a `host:port` entry: any address is the operator's choice. */
  explicit: boolean;
  /** Development loopback (localhost, 127.0.0.0/8, ::1): must resolve to loopback only. */
  loopback: boolean;
}

export type UrlDecision = { ok: true; target: EgressTarget } | { ok: false; refusal: EgressRefusal };
export type AddressDecision = { ok: true } | { ok: false; refusal: EgressRefusal };

const defaultPorts: Record<string, number> = { 'https:': 443, 'http:': 80 };
const entryPattern = /^(\[[0-9a-f:.]+\]|[^\s:/?#@[\]]+)(?::(\d{1,5}))?$/i;

function bare(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * `SERVICETITAN_ALLOWED_HOSTS`-style text: comma-separated `host` or `host:port` entries. Throws
 * with the offending entry named when one is neither.
 */
export function parseAllowedHosts(text: string): AllowedHost[] {
  const entries: AllowedHost[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = entryPattern.exec(entry);
    let host: string | undefined;
    try {
      host = match?.[1] ? new URL(`https://${match[1]}/`).hostname : undefined;
    } catch {
      host = undefined;
    }
    const port = match?.[2] === undefined ? undefined : Number(match[2]);
    if (!host || (port !== undefined && (port < 1 || port > 65_535))) {
      throw new Error(`"${entry}" is not a host name or host:port`);
    }
    entries.push(port === undefined ? { host } : { host, port });
  }
  return entries;
}

function isLoopbackName(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  return isIP(bare(hostname)) !== 0 && classifyAddress(bare(hostname)) === 'loopback';
}

/**
 * Judges a URL. `base` is for configured URLs (API base, auth URL): they may not carry a query or
 * a fragment; requests built on them may.
 */
export function decideUrl(policy: EgressPolicy, input: string | URL, options: { base: boolean }): UrlDecision {
  const refuse = (reason: EgressRefusalReason, addressKind?: RefusedAddressKind): UrlDecision => ({
    ok: false,
    refusal: addressKind ? { reason, addressKind } : { reason },
  });
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return refuse('not_a_url');
  }
  const defaultPort = defaultPorts[url.protocol];
  if (defaultPort === undefined) return refuse('scheme');
  if (url.username || url.password) return refuse('credentials');
  if (options.base && (url.search !== '' || url.hash !== '' || /[?#]/.test(url.href))) return refuse('query_or_fragment');

  const host = url.hostname;
  const hostname = bare(host);
  const port = url.port === '' ? defaultPort : Number(url.port);

  if (policy.mode === 'development' && isLoopbackName(host)) {
    return { ok: true, target: { url, hostname, port, explicit: false, loopback: true } };
  }
  if (url.protocol !== 'https:') return refuse('scheme');
  const listed = policy.allowedHosts.filter((entry) => entry.host === host);
  if (listed.length === 0) return refuse('host');
  if (listed.some((entry) => entry.port === port)) {
    return { ok: true, target: { url, hostname, port, explicit: true, loopback: false } };
  }
  // Listed only as host:port entries: another port is simply not on the list.
  if (!listed.some((entry) => entry.port === undefined)) return refuse('host');
  if (port !== 443) return refuse('port');
  // An IP literal is connected to without a lookup: judge it now.
  if (isIP(hostname) !== 0) {
    const kind = classifyAddress(hostname);
    if (kind !== 'public') return refuse('address', kind);
  }
  return { ok: true, target: { url, hostname, port, explicit: false, loopback: false } };
}

/** Judges an address a target's name resolved to, just before connecting to it. */
export function decideAddress(target: EgressTarget, address: string): AddressDecision {
  if (target.explicit) return { ok: true };
  const kind = classifyAddress(address);
  if (target.loopback ? kind === 'loopback' : kind === 'public') return { ok: true };
  return { ok: false, refusal: kind === 'public' ? { reason: 'address' } : { reason: 'address', addressKind: kind } };
}

/** Every address a name resolved to must pass: one refused address refuses the name. */
export function decideAddresses(target: EgressTarget, addresses: readonly string[]): AddressDecision {
  for (const address of addresses) {
    const verdict = decideAddress(target, address);
    if (!verdict.ok) return verdict;
  }
  return { ok: true };
}
