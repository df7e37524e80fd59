// Reading a tenant's secrets in the clear. Every decrypted value is registered with the logger so it is
// masked wherever it might later be written (an error message carrying a request, say).
import { registerSecret } from '../logging/logger.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Database } from './connection.ts';
import type { ServiceTitanPlainFields } from '../contract/settings.ts';
import type { Tenant } from './models/tenant.ts';

function openRegistered(box: SecretBox, sealed: string | null): string | null {
  if (sealed === null || sealed === '') return null;
  const plain = box.open(sealed);
  registerSecret(plain);
  return plain;
}

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

/** For code that already holds the tenant row (the webhook finds it through the `To` number). */
export function twilioCredentialsOf(box: SecretBox, tenant: Pick<Tenant, 'twilioAccountSid' | 'twilioAuthToken'>): TwilioCredentials | null {
  const authToken = openRegistered(box, tenant.twilioAuthToken);
  if (!tenant.twilioAccountSid || !authToken) return null;
  return { accountSid: tenant.twilioAccountSid, authToken };
}

/** The tenant's Twilio account SID and decrypted auth token, or null when the tenant has none (or does not exist). */
export async function loadTwilioCredentials(db: Database, box: SecretBox, tenantId: string): Promise<TwilioCredentials | null> {
  const tenant = await db.models.Tenant.findByPk(tenantId, { attributes: ['twilioAccountSid', 'twilioAuthToken'] });
  return tenant ? twilioCredentialsOf(box, tenant) : null;
}

/** Just the decrypted auth token (what signature checks need), or null. */
export async function loadTwilioAuthToken(db: Database, box: SecretBox, tenantId: string): Promise<string | null> {
  const tenant = await db.models.Tenant.findByPk(tenantId, { attributes: ['twilioAuthToken'] });
  return tenant ? openRegistered(box, tenant.twilioAuthToken) : null;
}

/** A tenant's ServiceTitan config with clientSecret and appKey decrypted. Never send it to a browser. */
export interface ServiceTitanSettings extends ServiceTitanPlainFields {
  id: string;
  tenantId: string;
  clientSecret: string | null;
  appKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const bookingFields = ['tenantApiBaseUrl', 'authUrl', 'serviceTitanTenantId', 'clientId', 'clientSecret', 'appKey', 'bookingProvider'] as const;
type BookingField = (typeof bookingFields)[number];

/** Settings a booking can be made with: the connection and the booking provider are all set. */
export type BookableServiceTitanSettings = ServiceTitanSettings & { [K in BookingField]: string };

/** The fields a booking still needs, empty when it can be made. */
export function missingBookingFields(settings: ServiceTitanSettings): BookingField[] {
  return bookingFields.filter((f) => !settings[f]);
}

export function isBookable(settings: ServiceTitanSettings): settings is BookableServiceTitanSettings {
  return missingBookingFields(settings).length === 0;
}

export async function loadServiceTitanConfig(
  db: Database,
  box: SecretBox,
  tenantId: string,
): Promise<ServiceTitanSettings | null> {
  const row = await db.models.ServiceTitanConfig.findOne({ where: { tenantId } });
  if (!row) return null;
  const c = row.get({ plain: true });
  return {
    id: c.id,
    tenantId: c.tenantId,
    environment: c.environment,
    tenantApiBaseUrl: c.tenantApiBaseUrl,
    authUrl: c.authUrl,
    serviceTitanTenantId: c.serviceTitanTenantId,
    clientId: c.clientId,
    clientSecret: openRegistered(box, c.clientSecret),
    appKey: openRegistered(box, c.appKey),
    bookingProvider: c.bookingProvider,
    enabled: c.enabled,
    bookingSourceLabel: c.bookingSourceLabel,
    complaintPriority: c.complaintPriority,
    businessUnitId: c.businessUnitId,
    jobTypeId: c.jobTypeId,
    campaignId: c.campaignId,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
