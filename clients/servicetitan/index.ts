// The ServiceTitan client's public surface.
export { ServiceTitanClient, serviceTitanClientFor, type ServiceTitanClientOptions, type ServiceTitanConnection } from './client.ts';
export { ServiceTitanTokenCache, type IssuedToken, type TokenCacheKey, type TokenCacheOptions } from './token-cache.ts';
export {
  ServiceTitanError,
  isServiceTitanError,
  type ServiceTitanErrorKind,
  type ServiceTitanErrorInit,
  type ServiceTitanFieldErrors,
} from './errors.ts';
export {
  serviceTitanEnvironmentNames,
  serviceTitanEnvironments,
  urlsFor,
  isServiceTitanEnvironment,
  type ServiceTitanEnvironment,
  type ServiceTitanUrls,
} from './environments.ts';
export type * from './types.ts';
export { bookingPriorities } from './types.ts';
export type { ServiceTitanCall, ServiceTitanModule } from './client.ts';
export * from './customers.ts';
export * from './jobs.ts';
export * from './appointments.ts';
export * from './capacity.ts';
