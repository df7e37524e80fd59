// The whole inbound pipeline for a test: a fresh database, the fake ServiceTitan / OpenAI / Twilio on
// 127.0.0.1, the real Temporal dev server, a real worker and the real API on a free port.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { inject } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { loadEnv, type Env } from '../../config/env.ts';
import type { Conversation } from '../../db/models/conversation.ts';
import { createLogger, setLogSink, type Logger } from '../../logging/logger.ts';
import { installTemporalRuntimeLogging } from '../../logging/temporal-runtime.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { dataConverter } from '../../temporal/data-converter.ts';
import { startWorker } from '../../worker.ts';
import { conversationWorkflowId } from '../../workflows/definitions.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai/index.ts';
import { startFakeServiceTitan, type FakeServiceTitan } from '../fakes/servicetitan/index.ts';
import { inboundParams, postSignedInboundWebhook, startFakeTwilio, type FakeTwilio } from '../fakes/twilio/index.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { createPhoneNumber, createServiceTitanConfig, createTenant, uniquePhone } from './factories.ts';

const openaiKey = `test-openai-${randomUUID()}`;

let runtimeInstalled = false;
/**
 * The Temporal runtime logs through the production adapter (logging/temporal-runtime.ts) into our pino
 * logger, whose every line lands in capturedLogLines: the secret scans read what production writes,
 * SDK and workflow / activity logs included.
 */
function installTemporalLogging(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  installTemporalRuntimeLogging(createLogger('warn', { service: 'test-worker' }), 'warn');
}

/** Every log line written during the test run, to prove no secret is ever logged. */
export const capturedLogLines: string[] = [];
setLogSink((line) => {
  capturedLogLines.push(line);
  // Failures stay visible in the test output, as the SDK's default logger showed them.
  if (line.startsWith('{"level":"error"') && line.includes('"sdk":"temporal"')) console.error(line);
});

export interface PipelineOptions {
  /** Start the worker in this process (default). `false` leaves it to the test (e.g. a child process). */
  worker?: boolean;
  /** Give the tenant an enabled ServiceTitan config pointing at the fake (default true). */
  serviceTitan?: boolean;
  /** Configure an OpenAI key (default true); without it every message files as fallback `engaged`. */
  openai?: boolean;
  /** Another Temporal server than the shared one (e.g. a dedicated dev server a test stops and restarts). */
  temporalAddress?: string;
  /** Another namespace than `default` (it must exist on that server). */
  temporalNamespace?: string;
  /**
   * Let the API build its own lazy Temporal connection (as production does), so it starts and answers
   * webhooks while Temporal is down. `pipeline.temporal` is then that same lazy client.
   */
  lazyTemporal?: boolean;
  /** Another PostgreSQL server for the test database (e.g. an embedded one the test restarts). */
  postgresAdminUrl?: string;
  /** The API's pool size (default 5). */
  poolMax?: number;
  /** TEMPORAL_PAYLOAD_KEYS (default: the key derived from the test's random ENCRYPTION_KEY). */
  temporalPayloadKeys?: string;
}

export interface Pipeline {
  env: Env;
  test: TestDatabase;
  box: SecretBox;
  logger: Logger;
  baseUrl: string;
  app: App;
  temporal: Client;
  fakes: { serviceTitan: FakeServiceTitan; openai: FakeOpenAI; twilio: FakeTwilio };
  tenant: { id: string; name: string; accountSid: string; authToken: string };
  ourNumber: string;
  serviceTitan: { tenantId: string; bookingProvider: number; clientId: string; clientSecret: string; appKey: string };
  sendInbound(input: { from: string; body: string; messageSid?: string; to?: string }): Promise<Response>;
  conversationWith(customer: string): Promise<Conversation | null>;
  /** The workflow of the conversation with this customer (waits for the conversation to be stored). */
  workflowFor(customer: string): Promise<WorkflowHandle>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  installTemporalLogging();
  const test = await createTestDatabase({
    ...(options.postgresAdminUrl ? { adminUrl: options.postgresAdminUrl } : {}),
    ...(options.poolMax ? { poolMax: options.poolMax } : {}),
  });
  const [serviceTitan, openai, twilio] = await Promise.all([startFakeServiceTitan(), startFakeOpenAI({ apiKey: openaiKey }), startFakeTwilio()]);
  const env = loadEnv({
    NODE_ENV: 'test',
    DATABASE_URL: test.url,
    TEMPORAL_ADDRESS: options.temporalAddress ?? inject('temporalAddress'),
    ...(options.temporalNamespace ? { TEMPORAL_NAMESPACE: options.temporalNamespace } : {}),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    PUBLIC_BASE_URL: 'https://intellisend.test',
    ...(options.openai === false ? {} : { OPENAI_API_KEY: openaiKey, OPENAI_BASE_URL: openai.url }),
    OPENAI_MODEL: 'gpt-5-mini',
    TWILIO_API_BASE_URL: twilio.url,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'info',
    ...(options.temporalPayloadKeys ? { TEMPORAL_PAYLOAD_KEYS: options.temporalPayloadKeys } : {}),
  });
  const logger = createLogger(env.LOG_LEVEL, { service: 'test' });
  const box = new SecretBox(env.ENCRYPTION_KEY);
  const db = test.db;

  const { tenant, authToken } = await createTenant(db, box, { name: `Comfort Air ${randomUUID().slice(0, 6)}` });
  const number = await createPhoneNumber(db, { tenantId: tenant.id, phone: uniquePhone() });
  twilio.addAccount(tenant.twilioAccountSid!, authToken);

  const st = {
    tenantId: String(100000 + Math.floor(Math.random() * 800000)),
    bookingProvider: 77,
    clientId: `cid.${randomUUID()}`,
    clientSecret: `cs.${randomBytes(12).toString('hex')}`,
    appKey: serviceTitan.appKey,
  };
  serviceTitan.addTenant({
    tenantId: st.tenantId,
    clientId: st.clientId,
    clientSecret: st.clientSecret,
    bookingProviderTags: [{ id: st.bookingProvider, name: 'IntelliSend' }],
  });
  if (options.serviceTitan !== false) {
    await createServiceTitanConfig(db, box, {
      tenantId: tenant.id,
      environment: 'integration',
      tenantApiBaseUrl: serviceTitan.url,
      authUrl: serviceTitan.authUrl,
      serviceTitanTenantId: st.tenantId,
      clientId: st.clientId,
      clientSecret: st.clientSecret,
      appKey: st.appKey,
      bookingProvider: String(st.bookingProvider),
      enabled: true,
    });
  }

  const ownTemporal = options.lazyTemporal
    ? null
    : new Client({
        connection: await Connection.connect({ address: env.TEMPORAL_ADDRESS }),
        namespace: env.TEMPORAL_NAMESPACE,
        dataConverter: dataConverter(env),
      });
  const app = createApp({ env, db, box, logger, ...(ownTemporal ? { temporal: ownTemporal } : {}) });
  const temporal = ownTemporal ?? app.temporal;
  const server: Server = await new Promise((resolve) => {
    const s = app.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
  const pipeline: Pipeline = {
    env,
    test,
    box,
    logger,
    baseUrl,
    app,
    temporal,
    fakes: { serviceTitan, openai, twilio },
    tenant: { id: tenant.id, name: tenant.name, accountSid: tenant.twilioAccountSid!, authToken },
    ourNumber: number.phone,
    serviceTitan: st,
    sendInbound({ from, body, messageSid, to }) {
      return postSignedInboundWebhook({
        baseUrl,
        publicBaseUrl: env.PUBLIC_BASE_URL,
        authToken,
        params: inboundParams({ to: to ?? number.phone, from, body, accountSid: tenant.twilioAccountSid!, messageSid }),
      });
    },
    async conversationWith(customer) {
      const contact = await db.models.Contact.findOne({ where: { tenantId: tenant.id, phone: customer } });
      return contact ? db.models.Conversation.findOne({ where: { contactId: contact.id } }) : null;
    },
    async workflowFor(customer) {
      const conversation = await waitFor(() => pipeline.conversationWith(customer), { what: `the conversation with ${customer}` });
      return temporal.workflow.getHandle(conversationWorkflowId(tenant.id, conversation.id));
    },
    async startWorker() {
      if (worker) return;
      worker = await startWorker({ env, logger, workflowBundle: { codePath: inject('workflowBundlePath') } });
    },
    async stopWorker() {
      const w = worker;
      worker = null;
      await w?.shutdown();
    },
    async close() {
      await pipeline.stopWorker();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      // A lazy client belongs to the app, which closed it.
      if (ownTemporal) await ownTemporal.connection.close();
      await Promise.all([serviceTitan.close(), openai.close(), twilio.close()]);
      await test.drop();
    },
  };
  if (options.worker !== false) await pipeline.startWorker();
  return pipeline;
}
