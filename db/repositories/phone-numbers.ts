// "Which tenant owns this number?" — asked by the inbound webhook, the status callback and the CLI.
import type { Database } from '../connection.ts';
import type { PhoneNumber } from '../models/phone-number.ts';
import type { Tenant } from '../models/tenant.ts';

export interface OwnedNumber {
  phoneNumber: PhoneNumber;
  tenant: Tenant;
}

/** `phone` must already be E.164; returns null for a number no tenant has added. */
export async function findNumberWithTenant(db: Database, phone: string): Promise<OwnedNumber | null> {
  const phoneNumber = await db.models.PhoneNumber.findOne({ where: { phone } });
  if (!phoneNumber) return null;
  const tenant = await db.models.Tenant.findByPk(phoneNumber.tenantId);
  return tenant ? { phoneNumber, tenant } : null;
}
