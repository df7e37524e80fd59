// Sends SMS through Twilio's Messages API with the official SDK, on behalf of many tenants (each
// with its own Twilio account), against TWILIO_API_BASE_URL.
import twilio from 'twilio';
import { registerSecret } from '../../logging/logger.ts';
import { defaultTwilioApiBaseUrl, RebasingRequestClient } from './rebasing-request-client.ts';
import { toTwilioSendError, TwilioSendError } from './twilio-send-error.ts';

export { TwilioSendError, type TwilioSendFailure } from './twilio-send-error.ts';

/** How long one send waits for Twilio's answer unless told otherwise. */
export const defaultTwilioTimeoutMs = 15_000;

export interface TwilioSenderOptions {
  /** TWILIO_API_BASE_URL: messages go to `{base}/2010-04-01/Accounts/{AccountSid}/Messages.json`. */
  apiBaseUrl?: string;
  /**
   * Per request; the SDK itself does not retry (the caller decides, from TwilioSendError.failure). Keep
   * it well under the send activity's start-to-close timeout, so a late answer ends as `unknown` here
   * rather than as an activity timeout.
   */
  timeoutMs?: number;
}

export interface SendSmsInput {
  accountSid: string;
  authToken: string;
  from: string;
  to: string;
  body: string;
  /** Where Twilio posts delivery status changes. */
  statusCallback?: string;
}

/** Statuses an outbound message can have (Twilio's list without the inbound-only ones). */
export const outboundSmsStatuses = [
  'accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'canceled', 'read', 'partially_delivered',
] as const;
export type OutboundSmsStatus = (typeof outboundSmsStatuses)[number];

export interface SentSms {
  sid: string;
  /** Twilio's status at creation: usually 'queued' (or 'accepted' via a messaging service). */
  status: OutboundSmsStatus;
}

/** A status Twilio adds later must not fail a send that Twilio accepted: treat it as queued. */
function outboundStatus(status: string): OutboundSmsStatus {
  return (outboundSmsStatuses as readonly string[]).includes(status) ? (status as OutboundSmsStatus) : 'queued';
}

export interface TwilioSender {
  send(input: SendSmsInput): Promise<SentSms>;
}

type TwilioClient = InstanceType<typeof twilio.Twilio>;

export function createTwilioSender(options: TwilioSenderOptions = {}): TwilioSender {
  const apiBaseUrl = options.apiBaseUrl ?? defaultTwilioApiBaseUrl;
  // One HTTP client (and connection pool) for every tenant; credentials travel per request.
  const httpClient = new RebasingRequestClient(apiBaseUrl, { timeout: options.timeoutMs ?? defaultTwilioTimeoutMs, keepAlive: true });
  // One SDK client per account, rebuilt when that account's auth token changes.
  const clients = new Map<string, { authToken: string; client: TwilioClient }>();

  function clientFor(accountSid: string, authToken: string): TwilioClient {
    const cached = clients.get(accountSid);
    if (cached && cached.authToken === authToken) return cached.client;
    const client = new twilio.Twilio(accountSid, authToken, { httpClient, autoRetry: false });
    clients.set(accountSid, { authToken, client });
    return client;
  }

  async function send(input: SendSmsInput): Promise<SentSms> {
    registerSecret(input.authToken);
    const secrets = [input.authToken, Buffer.from(`${input.accountSid}:${input.authToken}`).toString('base64')];
    if (!/^AC[0-9a-fA-F]{32}$/.test(input.accountSid)) {
      throw new TwilioSendError('The Twilio account SID is malformed (expected AC followed by 32 hex digits)', { failure: 'rejected' });
    }
    if (!input.authToken) throw new TwilioSendError('No Twilio auth token is configured for this account', { failure: 'rejected' });
    try {
      const message = await clientFor(input.accountSid, input.authToken).messages.create({
        from: input.from,
        to: input.to,
        body: input.body,
        ...(input.statusCallback ? { statusCallback: input.statusCallback } : {}),
      });
      if (!message.sid) {
        // Twilio said yes but we cannot tell to what; retrying could text the customer twice.
        throw new TwilioSendError('Twilio accepted the request but returned no message SID', { failure: 'unknown' });
      }
      return { sid: message.sid, status: outboundStatus(message.status) };
    } catch (err) {
      throw toTwilioSendError(err, secrets);
    }
  }

  return { send };
}
