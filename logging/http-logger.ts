// One JSON line per HTTP request (pino-http): request id, tenant, method, the route pattern (never the
// URL, whose path or query may carry a phone number), status and latency. No headers, no bodies.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger.ts';

export interface HttpLoggerOptions {
  logger: Logger;
  /** The signed-in tenant of a request, when there is one. */
  tenantOf: (req: Request) => string | undefined;
}

/** A caller's own X-Request-Id is kept when it looks like an id; otherwise we make one. */
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** The Express route pattern that answered (`/api/conversations/:id`), or what kind of request it was. */
function routeOf(req: Request): string {
  const route: unknown = req.route;
  const path = route && typeof route === 'object' && 'path' in route ? route.path : undefined;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  return req.originalUrl.startsWith('/api/') || req.originalUrl === '/api' ? '(no api route)' : '(web)';
}

export function httpLogger({ logger, tenantOf }: HttpLoggerOptions): RequestHandler {
  const middleware = pinoHttp<IncomingMessage, ServerResponse>({
    logger: logger.pino,
    genReqId(req, res) {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && acceptableRequestId.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customAttributeKeys: { reqId: 'reqId' },
    // The request line carries only the id: the completion line below says the rest.
    quietReqLogger: true,
    quietResLogger: true,
    customProps: (req) => {
      const tenantId = tenantOf(req as Request);
      return tenantId ? { tenantId } : {};
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, value: { responseTime: number }) => ({
      method: req.method,
      route: routeOf(req as Request),
      status: res.statusCode,
      latencyMs: value.responseTime,
    }),
    customErrorObject: (req, res, _err, value: { responseTime: number }) => ({
      method: req.method,
      route: routeOf(req as Request),
      status: res.statusCode,
      latencyMs: value.responseTime,
    }),
  });
  return (req, res, next) => middleware(req, res, next);
}
