// What the settings pages need beyond the API's JSON: the form's values, defaults and field errors.

// The wire types are shared with the API (contract/settings.ts): its presenters build exactly these.
export type {
  BookingHealthView as BookingHealth,
  BookingProblem,
  RetryFailedBookingsView as RetryFailedBookings,
  ServiceTitanConfigView as ServiceTitanConfig,
  ServiceTitanEnvironment,
  TwilioNumberView as TwilioNumber,
  TwilioSettingsView as TwilioSettings,
  UserView as TenantUser,
} from '../../../../contract/settings.ts';
import type { ServiceTitanConfigView as ServiceTitanConfig, ServiceTitanEnvironment } from '../../../../contract/settings.ts';
import { serviceTitanEnvironments } from '../../../../clients/servicetitan/environments.ts';
export { bookingPriorities } from '../../../../clients/servicetitan/types.ts';

/** Field → message, as the API's 400s carry them. */
export type FieldErrors = Record<string, string>;

/** An environment's default URLs (the ones the API client uses), named as the form names them. */
export function serviceTitanUrls(environment: ServiceTitanEnvironment): { tenantApiBaseUrl: string; authUrl: string } {
  const urls = serviceTitanEnvironments[environment];
  return { tenantApiBaseUrl: urls.apiBaseUrl, authUrl: urls.authUrl };
}

/** What the ServiceTitan form holds: every field as typed (secrets start empty: blank keeps the saved one). */
export interface ServiceTitanFormValues {
  enabled: boolean;
  environment: ServiceTitanEnvironment;
  tenantApiBaseUrl: string;
  authUrl: string;
  serviceTitanTenantId: string;
  clientId: string;
  clientSecret: string;
  appKey: string;
  bookingProvider: string;
  bookingSourceLabel: string;
  complaintPriority: string;
  businessUnitId: string;
  jobTypeId: string;
  campaignId: string;
}

export function formValuesOf(config: ServiceTitanConfig | null): ServiceTitanFormValues {
  const environment = config?.environment ?? 'production';
  const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    enabled: config?.enabled ?? false,
    environment,
    tenantApiBaseUrl: config?.tenantApiBaseUrl ?? serviceTitanUrls(environment).tenantApiBaseUrl,
    authUrl: config?.authUrl ?? serviceTitanUrls(environment).authUrl,
    serviceTitanTenantId: text(config?.serviceTitanTenantId),
    clientId: text(config?.clientId),
    clientSecret: '',
    appKey: '',
    bookingProvider: text(config?.bookingProvider),
    bookingSourceLabel: text(config?.bookingSourceLabel),
    complaintPriority: text(config?.complaintPriority),
    businessUnitId: text(config?.businessUnitId),
    jobTypeId: text(config?.jobTypeId),
    campaignId: text(config?.campaignId),
  };
}

export function sameFormValues(a: ServiceTitanFormValues, b: ServiceTitanFormValues): boolean {
  return (Object.keys(a) as (keyof ServiceTitanFormValues)[]).every((key) => a[key] === b[key]);
}
