import { z } from 'zod';
import { normalizeE164 } from '../../domain/phone.ts';
import { ValidationError } from '../errors.ts';

const e164 = z.string().transform((v, ctx) => {
  const n = normalizeE164(v);
  if (!n) ctx.addIssue({ code: 'custom', message: 'must be an E.164 phone number like +15551234567' });
  return n ?? v;
});

/** Only the fields we use are kept: the rest of Twilio's payload never reaches the workflow. */
const inboundSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Twilio message SID'),
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID'),
  From: e164,
  To: e164,
  // PostgreSQL text cannot hold U+0000 (Sequelize would silently store it as the two characters "\0").
  Body: z.string().max(1600, 'is longer than an SMS can be (1600 characters)').default('').transform((v) => v.replaceAll('\u0000', '')),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
});

export type FormParams = Record<string, string | string[]>;

/** One inbound SMS as the webhook accepted it: only whitelisted fields. `messageSid` is the dedup key. */
export interface InboundMessage {
  messageSid: string;
  accountSid: string;
  tenantId: string;
  /** Our Twilio number (E.164) that received it. */
  to: string;
  /** The customer's number (E.164). */
  from: string;
  body: string;
  numMedia: number;
  mediaUrls: string[];
  /** ISO time the webhook accepted it. */
  receivedAt: string;
}

export function parseInboundWebhook(params: FormParams, tenantId: string, receivedAt: Date): InboundMessage {
  const single: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) throw new ValidationError(`Field ${k} was sent more than once.`);
    single[k] = v;
  }
  const parsed = inboundSchema.safeParse(single);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0] ?? 'body')] ??= issue.message;
    throw new ValidationError('The webhook is missing fields or has invalid ones.', fields);
  }
  const m = parsed.data;
  const mediaUrls: string[] = [];
  for (let i = 0; i < m.NumMedia; i++) {
    const url = single[`MediaUrl${i}`];
    if (url && /^https?:\/\//.test(url)) mediaUrls.push(url);
  }
  return {
    messageSid: m.MessageSid,
    accountSid: m.AccountSid,
    tenantId,
    to: m.To,
    from: m.From,
    body: m.Body,
    numMedia: m.NumMedia,
    mediaUrls,
    receivedAt: receivedAt.toISOString(),
  };
}
