import type { ErrorRequestHandler } from 'express';
import { ConnectionError, ConnectionAcquireTimeoutError, DatabaseError } from 'sequelize';
import { ZodError } from 'zod';
import type { Logger } from '../../logging/logger.ts';
import { AppError } from '../errors.ts';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/**
 * PostgreSQL's "the server is going away" class (SQLSTATE 57P01 admin shutdown, 57P02 crash shutdown, 57P03
 * cannot connect now): a query cut off by a restart or failover, as retryable as a refused connection.
 */
function isServerShutdown(err: unknown): boolean {
  const code = err instanceof DatabaseError ? (err.parent as { code?: unknown }).code : undefined;
  return code === '57P01' || code === '57P02' || code === '57P03';
}

/** The one place errors become responses: 4xx with a message people can act on, 500 only for our bugs. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof AppError) {
      res.status(err.status).json({ error: err.message, code: err.code, ...(err.fields ? { fields: err.fields } : {}) });
      return;
    }
    if (err instanceof ZodError) {
      const fields: Record<string, string> = {};
      for (const issue of err.issues) fields[issue.path.join('.') || 'body'] ??= issue.message;
      res.status(400).json({ error: 'Some fields are invalid.', code: 'validation_failed', fields });
      return;
    }
    // body-parser errors (bad JSON, wrong encoding, too large) carry a 4xx status.
    const e = (err ?? {}) as HttpLikeError;
    const status = e.status ?? e.statusCode;
    if (status && status >= 400 && status < 500) {
      const message =
        e.type === 'entity.too.large' ? 'The request body is too large.'
        : e.type === 'entity.parse.failed' ? 'The request body is not valid JSON.'
        : e.type === 'encoding.unsupported' || e.type === 'charset.unsupported' ? 'The request body encoding is not supported.'
        : e.expose && e.message ? e.message : 'The request could not be read.';
      res.status(status).json({ error: message, code: 'bad_request' });
      return;
    }
    // Postgres unreachable (restarting, failing over, pool exhausted): not our bug, and worth a retry.
    if (err instanceof ConnectionError || err instanceof ConnectionAcquireTimeoutError || isServerShutdown(err)) {
      logger.warn('database unavailable', { method: req.method, path: req.path, error: err instanceof Error ? err.message : String(err) });
      res.status(503).set('Retry-After', '5').json({ error: 'The database is unavailable right now; please try again shortly.', code: 'unavailable' });
      return;
    }
    logger.error('unhandled error', { method: req.method, path: req.path, error: err });
    res.status(500).json({ error: 'Something went wrong on our side. It has been logged.', code: 'internal' });
  };
}
