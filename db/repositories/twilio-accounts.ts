// "Which tenants use this Twilio account?" — asked by the status callback, which names its AccountSid.
import type { Database } from '../connection.ts';
import type { Tenant } from '../models/tenant.ts';

const accountSidPattern = /^AC[0-9a-fA-F]{32}$/;

/** Usually one tenant; several only if they share one Twilio account. Empty for a malformed SID. */
export async function findTenantsByTwilioAccount(db: Database, accountSid: string): Promise<Tenant[]> {
  if (!accountSidPattern.test(accountSid)) return [];
  return db.models.Tenant.findAll({
    where: { twilioAccountSid: accountSid },
    attributes: ['id', 'twilioAccountSid', 'twilioAuthToken'],
    limit: 10,
  });
}
