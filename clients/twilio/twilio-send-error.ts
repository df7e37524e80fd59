// Why Twilio did not (knowingly) take a message, reduced to the one thing the caller decides on:
//   - `rejected`: Twilio refused it (bad number, unsubscribed recipient, bad credentials). Give up.
//   - `notSent`: it certainly did not become a message at Twilio (Twilio unreachable, 429, 503, a 500
//     Twilio itself answered, or the request never fully left this process). Retrying is safe.
//   - `unknown`: Twilio may have created it and only its answer is missing (the connection broke or
//     the answer was late after the whole request had been written; a gateway's 502/504; a 2xx we
//     could not read). Retrying could text the customer twice, so nobody retries it automatically.
// Messages are written for a person and never carry the auth token.
import { ClientRequest } from 'node:http';
import twilio from 'twilio';

export type TwilioSendFailure = 'rejected' | 'notSent' | 'unknown';

export class TwilioSendError extends Error {
  override readonly name = 'TwilioSendError';
  readonly failure: TwilioSendFailure;
  /** HTTP status of Twilio's answer; undefined when no answer arrived. */
  readonly status: number | undefined;
  /** Twilio error code (e.g. 21211, 21610), or a network error code (e.g. ECONNREFUSED). */
  readonly code: number | string | undefined;

  constructor(message: string, options: { failure: TwilioSendFailure; status?: number | undefined; code?: number | string | undefined }) {
    super(message);
    this.failure = options.failure;
    this.status = options.status;
    this.code = options.code;
  }

  /** Only a message that certainly was not created may be sent again. */
  get retryable(): boolean {
    return this.failure === 'notSent';
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

/**
 * Failures of finding or connecting to Twilio (DNS, TCP, TLS handshake): no byte of the request can
 * have reached Twilio's API, whatever else is known about the request.
 */
const beforeConnectCodes = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL',
  'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);

/** Axios (inside the twilio SDK) reports transport failures with a code such as ECONNRESET. */
function transportCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Whether the whole request was handed to the operating system before the failure. Axios puts the
 * node ClientRequest on its errors; `writableFinished` turns true only after the last byte of the body
 * was written to the socket. A request that never finished writing cannot have become a message (Twilio
 * needs the whole body), so a timeout or reset before that point is a definite "not sent". Without the
 * request object we cannot tell, and assume it was written.
 */
function requestFullyWritten(err: unknown): boolean {
  const request = typeof err === 'object' && err !== null && 'request' in err ? (err as { request: unknown }).request : undefined;
  return request instanceof ClientRequest ? request.writableFinished : true;
}

/** Twilio's error answers: `RestException`, or the SDK's RFC 9457 `TwilioServiceException` (not exported). */
function httpAnswer(err: unknown): { status: number; code: number | undefined; message: string } | null {
  if (err instanceof twilio.RestException) {
    return { status: err.status, code: typeof err.code === 'number' ? err.code : undefined, message: err.message };
  }
  if (err instanceof Error && err.name !== 'AxiosError' && 'status' in err && typeof err.status === 'number' && 'code' in err) {
    const code = typeof err.code === 'number' && err.code > 0 ? err.code : undefined;
    return { status: err.status, code, message: err.message };
  }
  return null;
}

/**
 * An answer with an HTTP error status. 429 and 408 say the request was not taken; 503 that Twilio
 * could not take it; a 500 carrying Twilio's own error code is Twilio's API failing the request. A 502 or
 * 504 comes from a gateway in front of the API that may already have handed the request on, and a 5xx
 * without Twilio's error body did not come from Twilio's API at all: both are `unknown`.
 */
function failureOfStatus(status: number, code: number | undefined): TwilioSendFailure {
  if (status === 429 || status === 408 || code === 20429) return 'notSent';
  if (status === 503) return 'notSent';
  if (status >= 500) return status !== 502 && status !== 504 && code !== undefined ? 'notSent' : 'unknown';
  return 'rejected';
}

export function toTwilioSendError(err: unknown, secrets: string[]): TwilioSendError {
  if (err instanceof TwilioSendError) return err;
  const scrub = (text: string) => secrets.filter(Boolean).reduce((t, s) => t.split(s).join('[redacted]'), text);

  const answer = httpAnswer(err);
  if (answer) {
    const { status, code } = answer;
    const failure = failureOfStatus(status, code);
    const fallback = { rejected: 'Twilio refused the message', notSent: 'Twilio is unavailable', unknown: 'Twilio may or may not have taken the message' }[failure];
    const explanation = (code !== undefined && explanations[code]) || fallback;
    const detail = answer.message ? `: ${scrub(answer.message)}` : '';
    return new TwilioSendError(`${explanation} (HTTP ${status}${code ? `, Twilio error ${code}` : ''})${detail}`, { failure, status, code });
  }

  const message = err instanceof Error ? scrub(err.message) : scrub(String(err));
  // A 2xx whose body was not JSON: Twilio created the message and we cannot say which one it is.
  if (err instanceof SyntaxError) {
    return new TwilioSendError(`Twilio accepted the message but its answer could not be read: ${message}`, { failure: 'unknown' });
  }
  const code = transportCode(err);
  if (code) {
    const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
    const what = timedOut ? 'Twilio did not answer in time' : 'The connection to Twilio failed';
    if (beforeConnectCodes.has(code)) return new TwilioSendError(`Could not reach Twilio (${code}): ${message}`, { failure: 'notSent', code });
    if (!requestFullyWritten(err)) {
      return new TwilioSendError(`${what} before the request was sent (${code}): ${message}`, { failure: 'notSent', code });
    }
    return new TwilioSendError(`${what} after the request was sent; Twilio may have taken the message (${code}): ${message}`, {
      failure: 'unknown',
      code,
    });
  }
  // Anything else was thrown before a request left (e.g. a missing parameter): retrying cannot help.
  return new TwilioSendError(`Could not send through Twilio: ${message}`, { failure: 'rejected' });
}
