// A tenant's Twilio account: SID, sealed auth token (never returned), HELP reply, and the exact
// webhook URLs each of its numbers must be configured with in Twilio's console.
import { z } from 'zod';
import type { TwilioSettingsView } from '../../contract/settings.ts';
import type { Database } from '../../db/connection.ts';
import type { Tenant } from '../../db/models/index.ts';
import { registerSecret } from '../../logging/logger.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import { tenantNotFound } from './access.ts';

export const maxHelpReplyLength = 320;

export const twilioSettingsSchema = z.object(
  {
    accountSid: z
      .string({ error: 'Enter the account SID.' })
      .trim()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'The account SID starts with AC followed by 32 letters and digits (0-9, a-f), as shown in the Twilio console.'),
    authToken: z
      .union([z.string(), z.null()], { error: 'The auth token must be text.' })
      .optional()
      .transform((v) => (v ?? '').trim())
      .refine((v) => v === '' || /^[0-9a-fA-F]{32}$/.test(v), 'The auth token is 32 letters and digits (0-9, a-f), as shown in the Twilio console.'),
    helpReply: z
      .string({ error: 'Write the reply sent to HELP and INFO.' })
      .trim()
      .min(1, 'Write the reply sent to HELP and INFO.')
      .max(maxHelpReplyLength, `The HELP reply can be at most ${maxHelpReplyLength} characters (two text messages).`),
  },
  { error: 'must be a JSON object' },
);

export type TwilioSettingsInput = z.output<typeof twilioSettingsSchema>;



async function present(db: Database, tenant: Tenant, publicBaseUrl: string): Promise<TwilioSettingsView> {
  const numbers = await db.models.PhoneNumber.findAll({ where: { tenantId: tenant.id }, order: [['phone', 'ASC']] });
  return {
    accountSid: tenant.twilioAccountSid,
    hasAuthToken: Boolean(tenant.twilioAuthToken),
    helpReply: tenant.helpReply,
    numbers: numbers.map((n) => ({
      id: n.id,
      phone: n.phone,
      label: n.label,
      inboundWebhookUrl: `${publicBaseUrl}/api/twilio/inbound`,
      statusCallbackUrl: `${publicBaseUrl}/api/twilio/status`,
    })),
  };
}

export async function getTwilioSettings(db: Database, tenantId: string, publicBaseUrl: string): Promise<TwilioSettingsView> {
  const tenant = await db.models.Tenant.findByPk(tenantId);
  if (!tenant) throw tenantNotFound();
  return present(db, tenant, publicBaseUrl);
}

export interface TwilioSaveDeps {
  db: Database;
  box: SecretBox;
  publicBaseUrl: string;
  /** Called when the SID or token changed, so webhook signatures are checked with the new token at once. */
  credentialsChanged(tenantId: string): void;
}

export async function saveTwilioSettings(deps: TwilioSaveDeps, tenantId: string, input: TwilioSettingsInput): Promise<TwilioSettingsView> {
  registerSecret(input.authToken);
  const tenant = await deps.db.models.Tenant.findByPk(tenantId);
  if (!tenant) throw tenantNotFound();
  const credentialsChanged = input.accountSid !== tenant.twilioAccountSid || input.authToken !== '';
  tenant.set({
    twilioAccountSid: input.accountSid,
    helpReply: input.helpReply,
    ...(input.authToken ? { twilioAuthToken: deps.box.seal(input.authToken) } : {}),
  });
  await tenant.save();
  if (credentialsChanged) deps.credentialsChanged(tenantId);
  return present(deps.db, tenant, deps.publicBaseUrl);
}
