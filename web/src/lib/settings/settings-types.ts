// The JSON shapes of the settings API (contract.md, "ServiceTitan settings API (admin)" and the
// extensions for Twilio, booking health and users).
import type { Role } from '#lib/api-types.ts';

export type ServiceTitanEnvironment = 'production' | 'integration';

export interface ServiceTitanConfig {
  environment: ServiceTitanEnvironment;
  tenantApiBaseUrl: string | null;
  authUrl: string | null;
  serviceTitanTenantId: string | null;
  clientId: string | null;
  hasClientSecret: boolean;
  hasAppKey: boolean;
  bookingProvider: string | null;
  enabled: boolean;
  bookingSourceLabel: string | null;
  complaintPriority: string | null;
  businessUnitId: number | null;
  jobTypeId: number | null;
  campaignId: number | null;
  updatedAt: string;
}

export interface TwilioNumber {
  id: string;
  phone: string;
  label: string | null;
  inboundWebhookUrl: string;
  statusCallbackUrl: string;
}

export interface TwilioSettings {
  accountSid: string | null;
  hasAuthToken: boolean;
  helpReply: string;
  numbers: TwilioNumber[];
}

export interface BookingProblem {
  conversationId: string;
  status: 'failed' | 'retrying';
  attempts: number;
  lastError: string | null;
  updatedAt: string;
  contact: { firstName: string | null; lastName: string | null; phone: string };
  link: string;
}

export interface BookingHealth {
  windowHours: number;
  last24h: { created: number; retrying: number; failed: number };
  failedTotal: number;
  problems: BookingProblem[];
  temporalUiUrl: string;
}

export interface TenantUser {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
}

/** Field → message, as the API's 400s carry them. */
export type FieldErrors = Record<string, string>;

export const serviceTitanUrls: Record<ServiceTitanEnvironment, { tenantApiBaseUrl: string; authUrl: string }> = {
  production: { tenantApiBaseUrl: 'https://api.servicetitan.io', authUrl: 'https://auth.servicetitan.io/connect/token' },
  integration: { tenantApiBaseUrl: 'https://api-integration.servicetitan.io', authUrl: 'https://auth-integration.servicetitan.io/connect/token' },
};

export const bookingPriorities = ['Low', 'Normal', 'High', 'Urgent'] as const;

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
    tenantApiBaseUrl: config?.tenantApiBaseUrl ?? serviceTitanUrls[environment].tenantApiBaseUrl,
    authUrl: config?.authUrl ?? serviceTitanUrls[environment].authUrl,
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
