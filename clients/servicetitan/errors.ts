// The one error type the ServiceTitan client throws. `message` is written for a tenant admin
// (it says what to check) and never carries the client secret, the app key or a token.
export type ServiceTitanErrorKind =
  | 'invalid_credentials'
  | 'app_key'
  | 'forbidden'
  | 'not_found'
  | 'validation'
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'network'
  /** The egress policy refused the URL, the address it resolved to, or a redirect: nothing was sent. */
  | 'not_allowed'
  | 'unexpected';

/** Field → messages, as in the `errors` member of ServiceTitan's RFC 7807 bodies. */
export type ServiceTitanFieldErrors = Record<string, string[]>;

export interface ServiceTitanErrorInit {
  kind: ServiceTitanErrorKind;
  message: string;
  status?: number;
  /** Defaults from the kind: rate limits, server errors, timeouts and network failures are worth retrying. */
  retryable?: boolean;
  retryAfterMs?: number;
  details?: ServiceTitanFieldErrors;
  /** ServiceTitan's `traceId`, for their support. */
  traceId?: string;
  cause?: unknown;
}

const retryableKinds: ReadonlySet<ServiceTitanErrorKind> = new Set(['rate_limited', 'server', 'timeout', 'network']);

export class ServiceTitanError extends Error {
  override name = 'ServiceTitanError';
  readonly kind: ServiceTitanErrorKind;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly details?: ServiceTitanFieldErrors;
  readonly traceId?: string;

  constructor(init: ServiceTitanErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    if (init.status !== undefined) this.status = init.status;
    this.retryable = init.retryable ?? retryableKinds.has(init.kind);
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.details !== undefined) this.details = init.details;
    if (init.traceId !== undefined) this.traceId = init.traceId;
  }
}

export function isServiceTitanError(value: unknown): value is ServiceTitanError {
  return value instanceof ServiceTitanError;
}
