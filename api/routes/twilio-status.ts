import { Router, urlencoded } from 'express';
import { z } from 'zod';
import type { Database } from '../../db/connection.ts';
import { notifyConversationUpdated } from '../../db/conversation-events.ts';
import { ValidationError } from '../errors.ts';
import type { NumberDirectory } from '../inbound/number-directory.ts';
import { emptyTwiml, readForm, verifySignature } from './twilio-inbound.ts';

const statusSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  MessageStatus: z.enum(['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'canceled']),
  ErrorCode: z.string().max(10).optional(),
  From: z.string().optional(),
});

/** Later states win; callbacks can arrive out of order. */
const rank: Record<string, number> = { queued: 1, accepted: 1, scheduled: 1, sending: 2, sent: 3, undelivered: 4, failed: 4, delivered: 5, read: 6, canceled: 4 };

export function twilioStatusRoutes(deps: { db: Database; numbers: NumberDirectory; publicBaseUrl: string }): Router {
  const router = Router();
  router.post('/api/twilio/status', urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }), async (req, res) => {
    const params = readForm(req.body, req.headers['content-type']);
    const parsed = statusSchema.safeParse(params);
    if (!parsed.success) throw new ValidationError('The status callback is missing MessageSid or MessageStatus.');
    const { MessageSid, MessageStatus, ErrorCode } = parsed.data;
    const message = await deps.db.models.Message.findOne({ where: { twilioSid: MessageSid } });
    // Unknown SIDs are acknowledged so Twilio stops retrying; there is nothing of ours to update.
    if (!message) {
      res.status(200).type('text/xml').send(emptyTwiml);
      return;
    }
    const number = typeof params.From === 'string' ? await deps.numbers.ownerOf(params.From) : null;
    const owner = number?.tenantId === message.tenantId ? number : null;
    verifySignature(req.header('x-twilio-signature'), owner?.authToken ?? null, deps.publicBaseUrl + req.originalUrl, params);
    if ((rank[MessageStatus] ?? 0) >= (rank[message.status] ?? 0)) {
      await message.update({ status: MessageStatus, errorCode: ErrorCode ?? message.errorCode });
      await notifyConversationUpdated(deps.db.sequelize, { tenantId: message.tenantId, id: message.conversationId });
    }
    res.status(200).type('text/xml').send(emptyTwiml);
  });
  return router;
}
