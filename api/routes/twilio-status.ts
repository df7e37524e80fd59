// POST /api/twilio/status: Twilio's delivery status callbacks for our outbound messages.
//
// The signature is checked before anything else. The callback names its Twilio account (`AccountSid`;
// `From`, our number, when a callback lacks it); the signature must verify with that account's auth
// token. Until it does, nothing is looked up that could tell a caller whether a message SID exists:
// a bad signature is 403 whether or not the SID, account or number is ours, and a correctly signed
// callback for a message we do not know is acknowledged with 200 so Twilio stops retrying it.
// How a callback moves a message's status (and how it resolves an `unknown` one) is in
// domain/outbound-delivery.ts.
import { Router, urlencoded, type Request } from 'express';
import { z } from 'zod';
import { isValidTwilioSignature } from '../../clients/twilio/signature.ts';
import type { Database } from '../../db/connection.ts';
import { notifyConversationUpdated } from '../../db/conversation-events.ts';
import { applyStatusCallback } from '../../db/repositories/outbound-messages.ts';
import { findTenantsByTwilioAccount } from '../../db/repositories/twilio-accounts.ts';
import { twilioCredentialsOf } from '../../db/tenant-secrets.ts';
import { callbackStatuses } from '../../domain/outbound-delivery.ts';
import { normalizeE164 } from '../../domain/phone.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import { uuidPattern } from '../conversations/cursor.ts';
import { ForbiddenError, ValidationError } from '../errors.ts';
import type { NumberDirectory } from '../inbound/number-directory.ts';
import type { FormParams } from '../inbound/parse-inbound-webhook.ts';
import { emptyTwiml, readForm } from './twilio-inbound.ts';

const statusSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  MessageStatus: z.enum(callbackStatuses),
  ErrorCode: z.string().max(10).optional(),
});

/** Our message id, which the send activity puts in the callback URL (covered by the signature). */
const callbackQuerySchema = z.object({ messageId: z.string().regex(uuidPattern) });

export interface TwilioStatusDeps {
  db: Database;
  box: SecretBox;
  numbers: NumberDirectory;
  publicBaseUrl: string;
}

/** One answer for every refusal, so it cannot tell a caller which SIDs, accounts or numbers exist. */
const badSignature = () => new ForbiddenError('The Twilio signature is missing or does not match.');

interface Signer {
  tenantId: string;
  authToken: string;
}

const single = (value: string | string[] | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** The Twilio accounts (tenants) this callback claims to come from, with their auth tokens. */
async function claimedSigners(deps: TwilioStatusDeps, params: FormParams): Promise<Signer[]> {
  const accountSid = single(params.AccountSid);
  if (accountSid !== undefined) {
    const tenants = await findTenantsByTwilioAccount(deps.db, accountSid);
    return tenants.flatMap((tenant) => {
      const credentials = twilioCredentialsOf(deps.box, tenant);
      return credentials ? [{ tenantId: tenant.id, authToken: credentials.authToken }] : [];
    });
  }
  const from = normalizeE164(single(params.From) ?? '');
  const owner = from ? await deps.numbers.ownerOf(from) : null;
  return owner?.authToken ? [{ tenantId: owner.tenantId, authToken: owner.authToken }] : [];
}

/** The tenants whose auth token signed this request; empty when the signature is missing or wrong. */
async function verifiedTenants(deps: TwilioStatusDeps, req: Request, params: FormParams): Promise<string[]> {
  const signature = req.header('x-twilio-signature');
  if (!signature) return [];
  const url = deps.publicBaseUrl + req.originalUrl;
  const signers = await claimedSigners(deps, params);
  return signers.filter((s) => isValidTwilioSignature({ authToken: s.authToken, signature, url, params })).map((s) => s.tenantId);
}

export function twilioStatusRoutes(deps: TwilioStatusDeps): Router {
  const router = Router();
  router.post('/api/twilio/status', urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }), async (req, res) => {
    if (!req.header('x-twilio-signature')) throw badSignature();
    const params = readForm(req.body, req.headers['content-type']);
    const tenantIds = await verifiedTenants(deps, req, params);
    if (tenantIds.length === 0) throw badSignature();

    const parsed = statusSchema.safeParse(params);
    if (!parsed.success) throw new ValidationError('The status callback is missing MessageSid or MessageStatus.');
    const { MessageSid, MessageStatus, ErrorCode } = parsed.data;
    const query = callbackQuerySchema.safeParse(req.query);
    const changed = await applyStatusCallback(deps.db, {
      tenantIds,
      messageSid: MessageSid,
      messageId: query.success ? query.data.messageId.toLowerCase() : null,
      status: MessageStatus,
      errorCode: ErrorCode ?? null,
    });
    if (changed) await notifyConversationUpdated(deps.db.sequelize, { tenantId: changed.tenantId, id: changed.conversationId });
    // Also for a SID that is not ours: acknowledged, so Twilio stops retrying; there is nothing to update.
    res.status(200).type('text/xml').send(emptyTwiml);
  });
  return router;
}
