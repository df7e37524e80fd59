// Checks X-Twilio-Signature with the official SDK's algorithm (which also tries the URL with and
// without a default port, as Twilio's own libraries do).
import twilio from 'twilio';

export interface TwilioSignatureCheck {
  /** Auth token of the Twilio account the webhook claims to come from. */
  authToken: string;
  /** The X-Twilio-Signature header. */
  signature: string;
  /** The full public URL Twilio was configured with (PUBLIC_BASE_URL + path + query string). */
  url: string;
  /** The form parameters of the POST body. */
  params: Record<string, string | string[]>;
}

export function isValidTwilioSignature(check: TwilioSignatureCheck): boolean {
  if (!check.authToken || !check.signature) return false;
  try {
    return twilio.validateRequest(check.authToken, check.signature, check.url, check.params);
  } catch {
    // An unparsable URL cannot have been signed by Twilio.
    return false;
  }
}
