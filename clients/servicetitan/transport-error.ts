// Failures below HTTP: the request timed out, the host could not be reached, or the connection
// dropped. All are retryable; a dropped connection may have hidden a request that did take effect.
import { ServiceTitanError } from './errors.ts';

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
          : `the request failed (${code ?? (error instanceof Error ? error.message : 'unknown error')})`;
  return new ServiceTitanError({ kind: 'network', message: `Could not reach ${target}: ${why}`, cause: error });
}
