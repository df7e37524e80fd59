// Where the ServiceTitan client may connect: ServiceTitan's own hosts (both environments) unless the
// operator lists others in SERVICETITAN_ALLOWED_HOSTS, through one EgressGuard per process.
import { EgressGuard, parseAllowedHosts, type AllowedHost, type EgressGuardOptions, type EgressPolicy } from '../egress/index.ts';
import { serviceTitanEnvironments } from './environments.ts';

/** The hosts of both environments' auth and API URLs. */
export const defaultServiceTitanHosts: readonly string[] = [
  ...new Set(Object.values(serviceTitanEnvironments).flatMap((urls) => [new URL(urls.authUrl).host, new URL(urls.apiBaseUrl).host])),
];

export interface ServiceTitanEgressSettings {
  NODE_ENV: 'development' | 'test' | 'production';
  /** Comma-separated `host` or `host:port`; unset means ServiceTitan's own hosts. */
  SERVICETITAN_ALLOWED_HOSTS?: string | undefined;
}

export function serviceTitanEgressPolicy(settings: ServiceTitanEgressSettings): EgressPolicy {
  const listed = settings.SERVICETITAN_ALLOWED_HOSTS?.trim();
  const allowedHosts: AllowedHost[] = parseAllowedHosts(listed ? listed : defaultServiceTitanHosts.join(','));
  return { mode: settings.NODE_ENV === 'production' ? 'production' : 'development', allowedHosts };
}

export function serviceTitanEgressFor(
  settings: ServiceTitanEgressSettings,
  options: Omit<EgressGuardOptions, 'policy'> = {},
): EgressGuard {
  return new EgressGuard({ policy: serviceTitanEgressPolicy(settings), ...options });
}

let installed: EgressGuard | undefined;

/**
 * This process's guard for clients built without one (the booking activity's). A worker installs the
 * one of its environment at start; until then it is the strictest: production rules, default hosts.
 */
export function serviceTitanEgress(): EgressGuard {
  installed ??= serviceTitanEgressFor({ NODE_ENV: 'production' });
  return installed;
}

export function installServiceTitanEgress(guard: EgressGuard): void {
  if (installed && installed !== guard) installed.close();
  installed = guard;
}
