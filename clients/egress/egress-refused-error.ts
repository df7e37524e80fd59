// Thrown instead of connecting when the egress policy refuses a URL, an address or a redirect.
// Its message is safe to show: it names the rule, never the address a name resolved to.
import type { EgressRefusal, EgressRefusalReason } from './egress-policy.ts';

const messages: Record<EgressRefusalReason, string> = {
  not_a_url: 'The address is not a full URL.',
  scheme: 'The address must start with https://.',
  credentials: 'The address must not contain a user name or password.',
  query_or_fragment: 'The address must not contain a query (?…) or a fragment (#…).',
  host: 'That host is not on the list of hosts IntelliSend may connect to.',
  port: 'That port is not allowed: IntelliSend connects on the standard HTTPS port (443).',
  address: 'That host resolves to an address IntelliSend does not connect to.',
  redirect: 'The server answered with a redirect, which IntelliSend does not follow.',
};

export class EgressRefusedError extends Error {
  override name = 'EgressRefusedError';
  readonly code = 'EGRESS_REFUSED';
  readonly refusal: EgressRefusal;

  constructor(refusal: EgressRefusal) {
    super(messages[refusal.reason]);
    this.refusal = refusal;
  }
}

/** The refusal behind an error, however deep in its `cause` chain (sockets and fetch wrap errors). */
export function egressRefusalOf(error: unknown): EgressRefusal | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (e instanceof EgressRefusedError) return e.refusal;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
