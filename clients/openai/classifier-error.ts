// Why a classification failed, reduced to what the caller decides on: try again later, or give up
// and file the message by fallback. SDK errors are translated here so nothing above this layer
// depends on OpenAI's error classes, and the API key never travels inside a message.
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';

export type ClassifierErrorKind =
  | 'auth'
  | 'bad_request'
  | 'quota'
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'invalid_output';

export class ClassifierError extends Error {
  override readonly name = 'ClassifierError';
  readonly kind: ClassifierErrorKind;
  /** True when the same request may succeed later (rate limits, 5xx, timeouts, a malformed answer). */
  readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(kind: ClassifierErrorKind, message: string, options: { retryable: boolean; status?: number | undefined }) {
    super(message);
    this.kind = kind;
    this.retryable = options.retryable;
    this.status = options.status;
  }
}

function scrub(message: string, apiKey: string): string {
  return apiKey ? message.split(apiKey).join('[redacted]') : message;
}

/**
 * Maps whatever the SDK threw to a ClassifierError. `deadlineHit` says our own overall deadline
 * aborted the call, which the SDK reports as a user abort.
 */
export function toClassifierError(err: unknown, apiKey: string, deadlineHit: boolean): ClassifierError {
  if (err instanceof ClassifierError) return err;
  if (err instanceof APIUserAbortError) {
    return deadlineHit
      ? new ClassifierError('timeout', 'OpenAI did not answer within the classifier deadline', { retryable: true })
      : new ClassifierError('connection', 'OpenAI request was aborted', { retryable: true });
  }
  if (err instanceof APIConnectionTimeoutError) {
    return new ClassifierError('timeout', 'OpenAI request timed out', { retryable: true });
  }
  if (err instanceof APIConnectionError) {
    return new ClassifierError('connection', `Could not reach OpenAI: ${scrub(err.message, apiKey)}`, { retryable: true });
  }
  if (err instanceof APIError) {
    const status = err.status;
    const detail = scrub(err.message, apiKey);
    if (err instanceof AuthenticationError || err instanceof PermissionDeniedError) {
      return new ClassifierError('auth', `OpenAI rejected the API key (${detail})`, { retryable: false, status });
    }
    if (err instanceof RateLimitError) {
      // An exhausted quota does not heal by waiting a few seconds; a rate limit does.
      return err.code === 'insufficient_quota'
        ? new ClassifierError('quota', `OpenAI quota exhausted (${detail})`, { retryable: false, status })
        : new ClassifierError('rate_limited', `OpenAI rate limit (${detail})`, { retryable: true, status });
    }
    if (status !== undefined && (status >= 500 || status === 408 || status === 409)) {
      return new ClassifierError('server', `OpenAI failed (${detail})`, { retryable: true, status });
    }
    return new ClassifierError('bad_request', `OpenAI refused the request (${detail})`, { retryable: false, status });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ClassifierError('connection', `OpenAI call failed: ${scrub(message, apiKey)}`, { retryable: true });
}
