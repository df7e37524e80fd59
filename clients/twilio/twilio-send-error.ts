// Why Twilio did not take a message, reduced to what the caller decides on: retry later
// (5xx, 429, network trouble, timeouts) or give up (bad number, unsubscribed recipient, bad
// credentials). Messages are written for a person and never carry the auth token.
import twilio from 'twilio';

export class TwilioSendError extends Error {
  override readonly name = 'TwilioSendError';
  readonly retryable: boolean;
  /** HTTP status of Twilio's answer; undefined when no answer arrived. */
  readonly status: number | undefined;
  /** Twilio error code (e.g. 21211, 21610), or a network error code (e.g. ECONNREFUSED). */
  readonly code: number | string | undefined;

  constructor(message: string, options: { retryable: boolean; status?: number | undefined; code?: number | string | undefined }) {
    super(message);
    this.retryable = options.retryable;
    this.status = options.status;
    this.code = options.code;
  }
}

/** What a CSR or operator should understand from the codes they will actually meet. */
const explanations: Record<number, string> = {
  20003: 'Twilio rejected the account SID or auth token',
  20404: 'Twilio does not know this account or resource',
  21211: "The customer's phone number is not a valid number",
  21212: 'The sending number is not a valid phone number',
  21408: 'This account may not send SMS to that region',
  21606: 'The sending number cannot send SMS from this Twilio account',
  21610: 'The customer has unsubscribed from this number (replied STOP)',
  21614: "The customer's number cannot receive SMS",
  21617: 'The message is longer than 1600 characters',
  30007: 'The carrier filtered the message',
};

/** Axios (inside the twilio SDK) reports transport failures with a code such as ECONNABORTED. */
function transportCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function toTwilioSendError(err: unknown, secrets: string[]): TwilioSendError {
  if (err instanceof TwilioSendError) return err;
  const scrub = (text: string) => secrets.filter(Boolean).reduce((t, s) => t.split(s).join('[redacted]'), text);

  if (err instanceof twilio.RestException) {
    const status = err.status;
    const code = typeof err.code === 'number' ? err.code : undefined;
    const retryable = status >= 500 || status === 429 || status === 408 || code === 20429;
    const explanation = (code !== undefined && explanations[code]) || (retryable ? 'Twilio is unavailable' : 'Twilio refused the message');
    const detail = err.message ? `: ${scrub(err.message)}` : '';
    return new TwilioSendError(`${explanation} (HTTP ${status}${code ? `, Twilio error ${code}` : ''})${detail}`, { retryable, status, code });
  }

  const code = transportCode(err);
  const message = err instanceof Error ? scrub(err.message) : scrub(String(err));
  if (code) {
    const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
    return new TwilioSendError(`${timedOut ? 'Twilio did not answer in time' : 'Could not reach Twilio'} (${code}): ${message}`, {
      retryable: true,
      code,
    });
  }
  // Anything else was thrown before a request left (e.g. a missing parameter): retrying cannot help.
  return new TwilioSendError(`Could not send through Twilio: ${message}`, { retryable: false });
}
