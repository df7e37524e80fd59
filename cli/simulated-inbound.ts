// The form Twilio POSTs for an incoming SMS, and its X-Twilio-Signature. Kept apart from the command so
// tests elsewhere can build the same request.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export interface InboundSms {
  accountSid: string;
  from: string;
  to: string;
  body: string;
  messageSid?: string;
}

export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** The parameters Twilio sends for a plain SMS (no media, no Messaging Service). */
export function inboundSmsParams(sms: InboundSms): Record<string, string> {
  const messageSid = sms.messageSid ?? newMessageSid();
  return {
    ToCountry: 'US',
    SmsMessageSid: messageSid,
    NumMedia: '0',
    SmsSid: messageSid,
    SmsStatus: 'received',
    Body: sms.body,
    To: sms.to,
    NumSegments: '1',
    MessageSid: messageSid,
    AccountSid: sms.accountSid,
    From: sms.from,
    ApiVersion: '2010-04-01',
  };
}

/** Exactly Twilio's scheme: HMAC-SHA1 over the URL plus the sorted name/value pairs, base64. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

export function inboundWebhookUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/$/, '')}/api/twilio/inbound`;
}
