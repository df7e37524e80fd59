// The inbox API: list, view, reply, resend, correct. Every query is scoped to the session's tenant.
import type { Client } from '@temporalio/client';
import { json, Router, type RequestHandler } from 'express';
import type { Database } from '../../db/connection.ts';
import type { Logger } from '../../logging/logger.ts';
import { authOf } from '../auth/request-auth.ts';
import { NotFoundError } from '../errors.ts';
import { changeAssistantSession, messageTrace } from '../conversations/conversation-assistant.ts';
import { correctConversation } from '../conversations/correct-conversation.ts';
import { findConversations } from '../conversations/find-conversations.ts';
import { conversationNotFound, getConversation } from '../conversations/get-conversation.ts';
import { resendMessage } from '../conversations/resend-message.ts';
import { setConversationStatus } from '../conversations/resolve-conversation.ts';
import { sendReply } from '../conversations/send-reply.ts';
import { assistantSessionChangeSchema, correctionSchema, isUuid, listQuerySchema, parseOrThrow, replySchema } from '../conversations/validate.ts';

export interface ConversationRoutesDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  requireUser: RequestHandler;
  /** JSON-only + same-origin check for mutating requests. */
  mutationGuard: RequestHandler;
  signalTimeoutMs?: number;
}

function conversationId(raw: string | string[] | undefined): string {
  if (typeof raw !== 'string' || !isUuid(raw)) throw conversationNotFound();
  return raw.toLowerCase();
}

function messageIdOf(raw: string | string[] | undefined): string {
  if (typeof raw !== 'string' || !isUuid(raw)) throw new NotFoundError('No such message in this conversation.');
  return raw.toLowerCase();
}

export function conversationRoutes(deps: ConversationRoutesDeps): Router {
  const { db } = deps;
  const router = Router();
  const body = json({ limit: '32kb', strict: true });
  router.use('/api/conversations', deps.requireUser, deps.mutationGuard);

  router.get('/api/conversations', async (req, res) => {
    const { tenantId } = authOf(req);
    const query = parseOrThrow(listQuerySchema, req.query);
    const page = await findConversations(db, { tenantId, ...query });
    res.json(page);
  });

  router.get('/api/conversations/:id', async (req, res) => {
    const { tenantId } = authOf(req);
    res.json(await getConversation(db, tenantId, conversationId(req.params.id)));
  });

  router.post('/api/conversations/:id/messages', body, async (req, res) => {
    const { user } = authOf(req);
    const id = conversationId(req.params.id);
    const text = parseOrThrow(replySchema, req.body);
    const message = await sendReply(deps, user, id, text);
    res.status(202).json({ message });
  });

  router.post('/api/conversations/:id/messages/:messageId/resend', async (req, res) => {
    const { user } = authOf(req);
    const message = await resendMessage(deps, user, conversationId(req.params.id), messageIdOf(req.params.messageId));
    res.status(202).json({ message });
  });

  router.patch('/api/conversations/:id', body, async (req, res) => {
    const { user } = authOf(req);
    const id = conversationId(req.params.id);
    const correction = parseOrThrow(correctionSchema, req.body);
    res.json({ conversation: await correctConversation(db, user, id, correction, deps) });
  });

  router.get('/api/conversations/:id/messages/:messageId/trace', async (req, res) => {
    const { tenantId } = authOf(req);
    res.json(await messageTrace(db, tenantId, conversationId(req.params.id), messageIdOf(req.params.messageId)));
  });

  // A person takes the assistant's session over, or hands it back (contract/conversation-assistant.ts).
  for (const [path, change] of [['take-over', 'takenOver'], ['hand-back', 'handedBack']] as const) {
    router.post(`/api/conversations/:id/assistant/${path}`, body, async (req, res) => {
      const { tenantId } = authOf(req);
      const id = conversationId(req.params.id);
      parseOrThrow(assistantSessionChangeSchema, req.body);
      res.json({ conversation: await changeAssistantSession(deps, tenantId, id, change) });
    });
  }

  router.post('/api/conversations/:id/resolve', async (req, res) => {
    const { tenantId } = authOf(req);
    res.json({ conversation: await setConversationStatus(db, deps, tenantId, conversationId(req.params.id), 'resolved') });
  });

  router.post('/api/conversations/:id/reopen', async (req, res) => {
    const { tenantId } = authOf(req);
    res.json({ conversation: await setConversationStatus(db, deps, tenantId, conversationId(req.params.id), 'reopened') });
  });

  return router;
}
