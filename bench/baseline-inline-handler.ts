// Bench-only: the webhook as the original spec had it — everything inline in the request. It checks the
// signature like the real route, then writes the contact, conversation and message in a transaction, gets a
// ServiceTitan access token and creates the booking, and only then answers Twilio. Same database pool size
// (20) and the same fake ServiceTitan (answering in 300 ms) as the real stack. Run as a child process:
// configured with the same environment variables as the API.
import type { Server } from 'node:http';
import express, { urlencoded } from 'express';
import { QueryTypes } from 'sequelize';
import { ValidationError } from '../api/errors.ts';
import { NumberDirectory } from '../api/inbound/number-directory.ts';
import { parseInboundWebhook } from '../api/inbound/parse-inbound-webhook.ts';
import { errorHandler } from '../api/middleware/error-handler.ts';
import { emptyTwiml, readForm, verifySignature } from '../api/routes/twilio-inbound.ts';
import { installServiceTitanEgress, serviceTitanEgressFor } from '../clients/servicetitan/egress.ts';
import { ServiceTitanTokenCache, serviceTitanClientFor } from '../clients/servicetitan/index.ts';
import { loadEnv, requireDatabaseUrl } from '../config/env.ts';
import { createDatabase } from '../db/connection.ts';
import { isBookable, loadServiceTitanConfig } from '../db/tenant-secrets.ts';
import { normalizeE164, nationalNumber } from '../domain/phone.ts';
import { bookingExternalId } from '../domain/conversation-summary.ts';
import { createLogger } from '../logging/logger.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { reportMemory } from './processes.ts';

if (import.meta.main) {
  const env = loadEnv();
  // The same egress policy a worker of this environment holds ServiceTitan to.
  installServiceTitanEgress(serviceTitanEgressFor(env));
  const logger = createLogger(env.LOG_LEVEL, { service: 'baseline' });
  const db = createDatabase(requireDatabaseUrl(env), { poolMax: 20 });
  const box = new SecretBox(env.ENCRYPTION_KEY);
  const numbers = new NumberDirectory(db, box);
  const { sequelize } = db;

  const app = express();
  app.post('/api/twilio/inbound', urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }), async (req, res) => {
    const params = readForm(req.body, req.headers['content-type']);
    const to = typeof params.To === 'string' ? normalizeE164(params.To) : null;
    if (!to) throw new ValidationError('The webhook has no valid To number.');
    const owner = await numbers.ownerOf(to);
    if (!owner) throw new ValidationError(`No account owns ${to}.`);
    verifySignature(req.header('x-twilio-signature'), owner.authToken, env.PUBLIC_BASE_URL + req.originalUrl, params);
    const message = parseInboundWebhook(params, owner.tenantId, new Date());

    const conversationId = await sequelize.transaction(async (transaction) => {
      const [number] = await sequelize.query<{ id: string }>('SELECT id FROM phone_numbers WHERE phone = :to', {
        replacements: { to },
        type: QueryTypes.SELECT,
        transaction,
      });
      const [contact] = await sequelize.query<{ id: string }>(
        `INSERT INTO contacts (id, tenant_id, phone, opted_out, created_at, updated_at)
         VALUES (gen_random_uuid(), :tenantId, :from, false, now(), now())
         ON CONFLICT (tenant_id, phone) DO UPDATE SET updated_at = now() RETURNING id`,
        { replacements: { tenantId: message.tenantId, from: message.from }, type: QueryTypes.SELECT, transaction },
      );
      const [conversation] = await sequelize.query<{ id: string }>(
        `INSERT INTO conversations (id, tenant_id, contact_id, phone_number_id, last_message_at, created_at, updated_at)
         VALUES (gen_random_uuid(), :tenantId, :contactId, :numberId, now(), now(), now())
         ON CONFLICT (tenant_id, phone_number_id, contact_id) DO UPDATE SET last_message_at = now(), updated_at = now()
         RETURNING id`,
        { replacements: { tenantId: message.tenantId, contactId: contact!.id, numberId: number!.id }, type: QueryTypes.SELECT, transaction },
      );
      await sequelize.query(
        `INSERT INTO messages (id, tenant_id, conversation_id, direction, body, status, twilio_sid, created_at, updated_at)
         VALUES (gen_random_uuid(), :tenantId, :conversationId, 'inbound', :body, 'received', :sid, now(), now())`,
        { replacements: { tenantId: message.tenantId, conversationId: conversation!.id, body: message.body, sid: message.messageSid }, transaction },
      );
      return conversation!.id;
    });

    // The original spec: a token, then the booking, before answering.
    const config = await loadServiceTitanConfig(db, box, message.tenantId);
    if (config?.enabled && isBookable(config)) {
      const client = serviceTitanClientFor(config, { tokenCache: new ServiceTitanTokenCache() });
      await client.getToken();
      const booking = await client.createBooking(config.bookingProvider, {
        source: 'IntelliSend SMS',
        name: `SMS customer ${message.from}`,
        summary: message.body,
        isFirstTimeClient: true,
        externalId: `${bookingExternalId(conversationId)}-${message.messageSid}`,
        contacts: [{ type: 'MobilePhone', value: nationalNumber(message.from), memo: 'Texted via IntelliSend' }],
      });
      await sequelize.query(
        `UPDATE conversations SET service_titan_booking_id = :bookingId, service_titan_booking_created_at = now(),
                booking_status = 'created', updated_at = now() WHERE id = :id`,
        { replacements: { bookingId: String(booking.id), id: conversationId } },
      );
    }
    res.status(200).type('text/xml').send(emptyTwiml);
  });
  app.use(errorHandler(logger));

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(env.PORT, '127.0.0.1', () => resolve(s));
  });
  reportMemory();
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.sequelize.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('disconnect', () => void stop());
  process.send?.({ type: 'ready', port: env.PORT });
}
