// The egress guard's public surface: every request to a URL a tenant supplied goes through EgressGuard.
export { classifyAddress, isPublicAddress, type AddressKind, type RefusedAddressKind } from './address-class.ts';
export {
  decideAddress,
  decideAddresses,
  decideUrl,
  parseAllowedHosts,
  type AddressDecision,
  type AllowedHost,
  type EgressPolicy,
  type EgressRefusal,
  type EgressRefusalReason,
  type EgressTarget,
  type UrlDecision,
} from './egress-policy.ts';
export { EgressRefusedError, egressRefusalOf } from './egress-refused-error.ts';
export { EgressGuard, type EgressFetch, type EgressGuardOptions, type EgressRequestInit, type ResolvedAddress, type Resolver } from './egress-guard.ts';
