// Reading and saving a tenant's ServiceTitan connection. Secrets are sealed at rest, never returned
// (only whether one is stored), and a blank one in a save keeps the stored value.
import type { ServiceTitanTokenCache } from '../../clients/servicetitan/index.ts';
import type { Database } from '../../db/connection.ts';
import type { ServiceTitanConfigView } from '../../contract/settings.ts';
import type { ServiceTitanConfig } from '../../db/models/index.ts';
import { loadServiceTitanConfig } from '../../db/tenant-secrets.ts';
import { registerSecret } from '../../logging/logger.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import { ValidationError } from '../errors.ts';
import { resolveBookingProvider, type ConnectionDeps } from './servicetitan-connection.ts';
import { resolveServiceTitanDraft, type ServiceTitanDraft } from './servicetitan-fields.ts';


/** Built member by member from the row: nothing sealed can slip into the answer. */
export function presentServiceTitanConfig(row: ServiceTitanConfig): ServiceTitanConfigView {
  return {
    environment: row.environment,
    tenantApiBaseUrl: row.tenantApiBaseUrl,
    authUrl: row.authUrl,
    serviceTitanTenantId: row.serviceTitanTenantId,
    clientId: row.clientId,
    hasClientSecret: Boolean(row.clientSecret),
    hasAppKey: Boolean(row.appKey),
    bookingProvider: row.bookingProvider,
    enabled: row.enabled,
    bookingSourceLabel: row.bookingSourceLabel,
    complaintPriority: row.complaintPriority,
    businessUnitId: row.businessUnitId,
    jobTypeId: row.jobTypeId,
    campaignId: row.campaignId,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getServiceTitanConfig(db: Database, tenantId: string): Promise<ServiceTitanConfigView | null> {
  const row = await db.models.ServiceTitanConfig.findOne({ where: { tenantId } });
  return row ? presentServiceTitanConfig(row) : null;
}

export interface SaveDeps extends ConnectionDeps {
  db: Database;
  box: SecretBox;
  tokens: ServiceTitanTokenCache;
}

export interface SaveResult {
  config: ServiceTitanConfigView;
  /** True when the saved config is on (and therefore complete): failed bookings are worth retrying. */
  enabledAndComplete: boolean;
}

export async function saveServiceTitanConfig(deps: SaveDeps, tenantId: string, draft: ServiceTitanDraft): Promise<SaveResult> {
  const { db, box } = deps;
  // Whatever happens next, the typed secrets are masked in every log line.
  registerSecret(draft.clientSecret);
  registerSecret(draft.appKey);
  const saved = await loadServiceTitanConfig(db, box, tenantId);
  const { values, fields, newSecrets } = resolveServiceTitanDraft(draft, saved, { mode: 'save', egress: deps.egress.policy });
  if (Object.keys(fields).length > 0) {
    const missingOnly = Object.values(fields).every((m) => m.endsWith('It is needed to turn the integration on.'));
    throw new ValidationError(
      missingOnly ? 'Fill in the highlighted fields to turn the integration on, or save it turned off.' : 'Some fields need attention.',
      fields,
    );
  }
  // A tag name is stored as its id: the booking path needs the integer.
  if (values.bookingProvider !== null) {
    const tag = await resolveBookingProvider(deps, values);
    if (!tag.ok) throw new ValidationError(tag.error, { bookingProvider: tag.error });
    values.bookingProvider = tag.id;
  }

  const row = await db.sequelize.transaction(async (transaction) => {
    const existing = await db.models.ServiceTitanConfig.findOne({ where: { tenantId }, transaction, lock: transaction.LOCK.UPDATE });
    const attributes = {
      environment: values.environment,
      tenantApiBaseUrl: values.tenantApiBaseUrl,
      authUrl: values.authUrl,
      serviceTitanTenantId: values.serviceTitanTenantId,
      clientId: values.clientId,
      bookingProvider: values.bookingProvider,
      enabled: values.enabled,
      bookingSourceLabel: values.bookingSourceLabel,
      complaintPriority: values.complaintPriority,
      businessUnitId: values.businessUnitId,
      jobTypeId: values.jobTypeId,
      campaignId: values.campaignId,
      // Only a newly typed secret is sealed; otherwise the stored ciphertext stays as it is.
      ...(newSecrets.clientSecret && values.clientSecret ? { clientSecret: box.seal(values.clientSecret) } : {}),
      ...(newSecrets.appKey && values.appKey ? { appKey: box.seal(values.appKey) } : {}),
    };
    if (existing) {
      existing.set(attributes);
      // A save always moves updatedAt, so the page can say when it was last saved.
      existing.changed('updatedAt', true);
      return existing.save({ transaction });
    }
    return db.models.ServiceTitanConfig.create({ tenantId, ...attributes }, { transaction });
  });

  // Tokens cached in this process for the old or the new credentials are not to be trusted any more.
  if (saved?.authUrl && saved.clientId) deps.tokens.invalidate(saved.authUrl, saved.clientId);
  if (values.clientId) deps.tokens.invalidate(values.authUrl, values.clientId);

  return { config: presentServiceTitanConfig(row), enabledAndComplete: row.enabled };
}
