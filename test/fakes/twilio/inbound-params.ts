// The full parameter set Twilio posts to a number's "A message comes in" webhook for an SMS.
import { messageSid as newMessageSid } from './sids.ts';
import { segmentCount } from './message-resource.ts';

export interface InboundParamsInput {
  to: string;
  from: string;
  body: string;
  accountSid: string;
  messageSid?: string;
}

/** Twilio's geo lookup fields; plausible values for North American numbers. */
function geo(phone: string) {
  const us = phone.startsWith('+1');
  return { city: us ? 'AUSTIN' : '', state: us ? 'TX' : '', zip: us ? '78701' : '', country: us ? 'US' : '' };
}

export function inboundParams(input: InboundParamsInput): Record<string, string> {
  const sid = input.messageSid ?? newMessageSid();
  const from = geo(input.from);
  const to = geo(input.to);
  return {
    ToCountry: to.country,
    ToState: to.state,
    SmsMessageSid: sid,
    NumMedia: '0',
    ToCity: to.city,
    FromZip: from.zip,
    SmsSid: sid,
    FromState: from.state,
    SmsStatus: 'received',
    FromCity: from.city,
    Body: input.body,
    FromCountry: from.country,
    To: input.to,
    ToZip: to.zip,
    NumSegments: String(segmentCount(input.body)),
    ReferralNumMedia: '0',
    MessageSid: sid,
    AccountSid: input.accountSid,
    From: input.from,
    ApiVersion: '2010-04-01',
  };
}
