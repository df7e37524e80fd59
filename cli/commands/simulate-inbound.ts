// `simulate:inbound`: sends the webhook Twilio would send for an SMS to one of our numbers, signed with
// the owning tenant's auth token, to PUBLIC_BASE_URL. Prints the HTTP status the app answered.
import { z } from 'zod';
import { findNumberWithTenant } from '../../db/repositories/phone-numbers.ts';
import { twilioCredentialsOf } from '../../db/tenant-secrets.ts';
import { CliError } from '../cli-error.ts';
import { defineCommand } from '../command.ts';
import { e164Flag, requiredText } from '../flags.ts';
import { inboundSmsParams, inboundWebhookUrl, twilioSignature } from '../simulated-inbound.ts';

export const simulateInboundCommand = defineCommand({
  name: 'simulate:inbound',
  usage: 'simulate:inbound --to <E.164> --from <E.164> --body <text>',
  flags: { to: { type: 'string' }, from: { type: 'string' }, body: { type: 'string' } },
  schema: z.object({
    to: e164Flag,
    from: e164Flag,
    body: requiredText().max(1600, 'must be at most 1600 characters'),
  }),
  run: async (flags, { env, database, secretBox }) => {
    const owned = await findNumberWithTenant(database(), flags.to);
    if (!owned) throw new CliError(`no tenant has the number ${flags.to} (add it with number:add)`);
    const credentials = twilioCredentialsOf(secretBox(), owned.tenant);
    if (!credentials) throw new CliError(`tenant ${owned.tenant.id} has no Twilio account SID and auth token`);

    const params = inboundSmsParams({ accountSid: credentials.accountSid, from: flags.from, to: flags.to, body: flags.body });
    const url = inboundWebhookUrl(env.PUBLIC_BASE_URL);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Twilio-Signature': twilioSignature(credentials.authToken, url, params),
          'User-Agent': 'TwilioProxy/1.1 (intellisend simulate:inbound)',
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      throw new CliError(`could not reach ${url}: ${cause}`);
    }
    return { status: response.status, messageSid: params.MessageSid };
  },
});
