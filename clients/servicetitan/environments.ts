// ServiceTitan's two environments. Client ID and secret belong to one tenant in one environment;
// the app key is the same for every tenant and both environments.
// No imports: the web app's settings form reads the same URLs.
export const serviceTitanEnvironmentNames = ['production', 'integration'] as const;
export type ServiceTitanEnvironment = (typeof serviceTitanEnvironmentNames)[number];

export interface ServiceTitanUrls {
  /** OAuth client-credentials token endpoint. */
  authUrl: string;
  /** API host; paths such as `/crm/v2/tenant/{tenant}/…` are appended to it. */
  apiBaseUrl: string;
}

export const serviceTitanEnvironments: Readonly<Record<ServiceTitanEnvironment, ServiceTitanUrls>> = {
  production: {
    authUrl: 'https://auth.servicetitan.io/connect/token',
    apiBaseUrl: 'https://api.servicetitan.io',
  },
  integration: {
    authUrl: 'https://auth-integration.servicetitan.io/connect/token',
    apiBaseUrl: 'https://api-integration.servicetitan.io',
  },
};

export function isServiceTitanEnvironment(value: unknown): value is ServiceTitanEnvironment {
  return serviceTitanEnvironmentNames.some((name) => name === value);
}

export function urlsFor(environment: ServiceTitanEnvironment): ServiceTitanUrls {
  return { ...serviceTitanEnvironments[environment] };
}
