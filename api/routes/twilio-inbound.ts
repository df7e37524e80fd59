import { Router, urlencoded } from 'express';
import { isValidTwilioSignature } from '../../clients/twilio/signature.ts';
import { normalizeE164 } from '../../domain/phone.ts';
import type { Logger } from '../../logging/logger.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import type { InboundDispatcher } from '../inbound/inbound-dispatcher.ts';
import type { NumberDirectory } from '../inbound/number-directory.ts';
import { parseInboundWebhook, type FormParams } from '../inbound/parse-inbound-webhook.ts';

export const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export interface TwilioInboundDeps {
  publicBaseUrl: string;
  numbers: NumberDirectory;
  dispatcher: InboundDispatcher;
  logger: Logger;
}

export function readForm(body: unknown, contentType: string | undefined): FormParams {
  if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new ValidationError('Twilio webhooks must be application/x-www-form-urlencoded.');
  }
  if (!body || typeof body !== 'object') throw new ValidationError('The webhook has no form fields.');
  return body as FormParams;
}

/** Verifies the request came from Twilio for the tenant that owns the receiving number. */
export function verifySignature(signature: string | undefined, authToken: string | null, url: string, params: FormParams) {
  if (!signature || !authToken || !isValidTwilioSignature({ authToken, signature, url, params })) {
    throw new ForbiddenError('The Twilio signature is missing or does not match.');
  }
}

/**
 * POST /api/twilio/inbound: check, hand off, answer. No classification, booking or outbound work
 * happens in the request; the conversation workflow does all of it.
 */
export function twilioInboundRoutes(deps: TwilioInboundDeps): Router {
  const router = Router();
  router.post(
    '/api/twilio/inbound',
    urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }),
    async (req, res) => {
      const receivedAt = new Date();
      const params = readForm(req.body, req.headers['content-type']);
      const to = typeof params.To === 'string' ? normalizeE164(params.To) : null;
      if (!to) throw new ValidationError('The webhook has no valid To number.', { To: 'must be an E.164 phone number' });
      const owner = await deps.numbers.ownerOf(to);
      if (!owner) throw new NotFoundError(`No IntelliSend account owns ${to}.`);
      verifySignature(req.header('x-twilio-signature'), owner.authToken, deps.publicBaseUrl + req.originalUrl, params);
      const message = parseInboundWebhook(params, owner.tenantId, receivedAt);
      if (owner.accountSid && message.accountSid !== owner.accountSid) {
        throw new ForbiddenError('The webhook came from a different Twilio account than the one that owns this number.');
      }
      // Durable in Postgres from here on; the workflow gets it right after we answer.
      const result = await deps.dispatcher.dispatch(message);
      deps.logger.debug('inbound accepted', { messageSid: message.messageSid, result });
      res.status(200).type('text/xml').send(emptyTwiml);
    },
  );
  return router;
}
