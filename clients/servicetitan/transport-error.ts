// Failures below HTTP: the request timed out, the host could not be reached, or the connection
// dropped. All are retryable; a dropped connection may have hidden a request that did take effect.
// A target the egress policy refused is not: nothing was sent, and retrying cannot change that.
import { egressRefusalOf, type EgressRefusal } from '../egress/index.ts';
import { ServiceTitanError } from './errors.ts';

/** A person's words for a refused target; no address, port or remote text in them. */
export function notAllowedMessage(refusal: EgressRefusal): string {
  if (refusal.reason === 'redirect') {
    return 'ServiceTitan answered with a redirect, which IntelliSend does not follow — check the API base URL and the auth URL';
  }
  return "That address is not allowed: IntelliSend only connects to ServiceTitan's own servers — check the API base URL and the auth URL";
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** `target` names what was called, without credentials: "the ServiceTitan API at https://api.servicetitan.io". */
export function errorFromTransportFailure(error: unknown, target: string, timeoutMs: number): ServiceTitanError {
  if (error instanceof ServiceTitanError) return error;
  const refusal = egressRefusalOf(error);
  if (refusal) return new ServiceTitanError({ kind: 'not_allowed', message: notAllowedMessage(refusal), cause: error });
  if (isTimeout(error)) {
    return new ServiceTitanError({
      kind: 'timeout',
      message: `${target} did not answer within ${Math.round(timeoutMs / 1000)} s; it will be retried`,
      cause: error,
    });
  }
  const code = errorCode(error);
  const why =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'its host name could not be resolved — check the URL'
      : code === 'ECONNREFUSED'
        ? 'the connection was refused — check the URL'
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE'
          ? 'the connection closed before it answered (the request may have taken effect)'
          : // The code only: a socket's message can carry the address it tried (connect ETIMEDOUT 10.0.0.5:443).
            `the request failed (${code ?? 'unknown error'})`;
  return new ServiceTitanError({ kind: 'network', message: `Could not reach ${target}: ${why}`, cause: error });
}
