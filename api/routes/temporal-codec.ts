// POST /api/temporal/codec/decode and /encode: the codec server the Temporal UI (and the Temporal CLI's
// --codec-endpoint) calls to show sealed payloads to a signed-in admin. The UI runs on another origin
// (TEMPORAL_UI_URL), so this route answers CORS for exactly that origin, with credentials, so the
// browser sends the session cookie; every other origin is refused.
import { json, Router, type RequestHandler } from 'express';
import type { Env } from '../../config/env.ts';
import type { Logger } from '../../logging/logger.ts';
import { payloadCodec } from '../../temporal/data-converter.ts';
import { authOf } from '../auth/request-auth.ts';
import { requireRole } from '../auth/middleware.ts';
import { parseOrThrow } from '../conversations/validate.ts';
import { ForbiddenError, UnsupportedMediaTypeError, ValidationError } from '../errors.ts';
import { codecRequestSchema, payloadFromWire, payloadToWire } from '../temporal/codec-protocol.ts';

export const codecPath = '/api/temporal/codec';

/** What the UI sends: JSON, the namespace it shows, and (with passAccessToken) its OIDC token. */
const allowedHeaders = 'Content-Type, X-Namespace, Authorization';

export interface TemporalCodecRoutesDeps {
  env: Pick<Env, 'ENCRYPTION_KEY' | 'TEMPORAL_PAYLOAD_KEYS' | 'TEMPORAL_UI_URL' | 'PUBLIC_BASE_URL'>;
  logger: Logger;
  requireUser: RequestHandler;
}

export function temporalCodecRoutes({ env, logger, requireUser }: TemporalCodecRoutesDeps): Router {
  const codec = payloadCodec(env);
  const uiOrigin = new URL(env.TEMPORAL_UI_URL).origin;
  const ownOrigin = new URL(env.PUBLIC_BASE_URL).origin;
  const router = Router();

  // CORS for the Temporal UI's origin only; a request from any other site is refused before the session
  // is even looked at. No Origin (the Temporal CLI, curl) is not a browser and needs the cookie anyway.
  const cors: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (origin === uiOrigin) {
      res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' });
    } else if (origin !== undefined && origin !== ownOrigin) {
      throw new ForbiddenError('The codec endpoint answers only the Temporal UI configured in TEMPORAL_UI_URL.');
    }
    next();
  };
  const preflight: RequestHandler = (_req, res) => {
    res
      .set({ 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': allowedHeaders, 'Access-Control-Max-Age': '600' })
      .status(204)
      .end();
  };
  const jsonOnly: RequestHandler = (req, _res, next) => {
    if (!req.is('application/json')) throw new UnsupportedMediaTypeError();
    next();
  };
  // A page of history events with their payloads; each payload is at most Temporal's 2 MB.
  const body = json({ limit: '8mb', strict: true });
  const admin = [cors, requireUser, requireRole('admin'), jsonOnly, body];

  for (const direction of ['encode', 'decode'] as const) {
    router.options(`${codecPath}/${direction}`, cors, preflight);
    router.post(`${codecPath}/${direction}`, ...admin, async (req, res) => {
      const { payloads } = parseOrThrow(codecRequestSchema, req.body);
      let out;
      try {
        out = await codec[direction](payloads.map(payloadFromWire));
      } catch (err) {
        throw new ValidationError(err instanceof Error ? err.message : `Could not ${direction} the payloads.`);
      }
      const { user, tenantId } = authOf(req);
      // Who read sealed data, and how much of it: an audit line, never the payloads themselves.
      logger.info(`temporal codec ${direction}`, { userId: user.id, tenantId, payloads: payloads.length, namespace: req.get('X-Namespace') });
      res.json({ payloads: out.map(payloadToWire) });
    });
  }
  return router;
}
