// Signs webhooks the way Twilio does, written from Twilio's published algorithm rather than with
// the twilio SDK, so a test that passes proves our validator agrees with Twilio and not merely
// with itself: HMAC-SHA1(authToken, url + each param name and value, names sorted), base64.
import { createHmac } from 'node:crypto';

export { inboundParams, type InboundParamsInput } from './inbound-params.ts';

export type WebhookParams = Record<string, string | string[]>;

export function signTwilioWebhook(authToken: string, url: string, params: WebhookParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name] ?? '';
    // A repeated parameter contributes name+value once per distinct value, values sorted.
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const v of values) data += name + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export function formEncode(params: WebhookParams): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  }
  return form.toString();
}

export interface SignedWebhookRequest {
  /** Where the request is actually sent (the test server). */
  baseUrl: string;
  /** What Twilio is configured with (PUBLIC_BASE_URL): the URL the signature covers. */
  publicBaseUrl: string;
  authToken: string;
  params: WebhookParams;
  /** Path plus optional query string. */
  path?: string;
  /** Sign with this instead, e.g. to prove a wrong signature is refused. */
  signature?: string;
}

/** POSTs a form-encoded, signed webhook exactly as Twilio sends one. */
export function postSignedInboundWebhook(request: SignedWebhookRequest): Promise<Response> {
  const path = request.path ?? '/api/twilio/inbound';
  const trim = (u: string) => u.replace(/\/+$/, '');
  const signature = request.signature ?? signTwilioWebhook(request.authToken, trim(request.publicBaseUrl) + path, request.params);
  return fetch(trim(request.baseUrl) + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-twilio-signature': signature,
      'user-agent': 'TwilioProxy/1.1',
      'i-twilio-idempotency-token': crypto.randomUUID(),
    },
    body: formEncode(request.params),
  });
}
