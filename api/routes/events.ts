// GET /api/events: server-sent events for the signed-in user's tenant.
//   event: conversation.updated / data: {"id":"…"}   — something about that conversation changed
//   event: resync / data: {}                          — events may have been missed; refetch (extension)
// A comment every 25 s keeps proxies from closing the stream; the session is re-checked then too, so a
// signed-out or expired session's stream ends.
import { Router, type RequestHandler } from 'express';
import type { Database } from '../../db/connection.ts';
import { authOf } from '../auth/request-auth.ts';
import { sessionIsLive } from '../auth/sessions.ts';
import type { ConversationEventsHub, LiveEvent } from '../live/conversation-events-hub.ts';

export interface EventRoutesDeps {
  db: Database;
  hub: ConversationEventsHub;
  requireUser: RequestHandler;
  heartbeatMs?: number;
}

function format(event: LiveEvent): string {
  if (event.type === 'resync') return 'event: resync\ndata: {}\n\n';
  return `event: conversation.updated\ndata: ${JSON.stringify({ id: event.id })}\n\n`;
}

export function eventRoutes(deps: EventRoutesDeps): Router {
  const router = Router();
  router.get('/api/events', deps.requireUser, async (req, res) => {
    const { tenantId, sessionId } = authOf(req);
    // Events that arrive while the LISTEN is being set up wait until the headers are out.
    const early: string[] = [];
    const send = (chunk: string) => {
      if (res.writableEnded || res.destroyed) return;
      if (!res.headersSent) early.push(chunk);
      else res.write(chunk);
    };
    const unsubscribe = await deps.hub.subscribe(tenantId, (event) => send(format(event)));
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    send('retry: 3000\n: connected\n\n');
    for (const chunk of early.splice(0)) send(chunk);
    const heartbeat = setInterval(() => {
      sessionIsLive(deps.db, sessionId)
        .then((live) => {
          if (live) send(': keep-alive\n\n');
          else res.end();
        })
        .catch(() => send(': keep-alive\n\n'));
    }, deps.heartbeatMs ?? 25_000);
    const cleanup = () => {
      clearInterval(heartbeat);
      unsubscribe();
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
  });
  return router;
}
