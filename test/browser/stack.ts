// The whole product for a browser test, in this process: a fresh database, the fake Twilio / OpenAI /
// ServiceTitan, the real worker on the shared Temporal dev server, and the API with the built web app
// on one free port — exactly as api/main.ts serves them.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { RequestHandler } from 'express';
import { inject } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { loadEnv, type Env } from '../../config/env.ts';
import { createLogger, type Logger } from '../../logging/logger.ts';
import { installTemporalRuntimeLogging } from '../../logging/temporal-runtime.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { dataConverter } from '../../temporal/data-converter.ts';
import { startWorker } from '../../worker.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai/index.ts';
import { startFakeServiceTitan, type FakeServiceTitan } from '../fakes/servicetitan/index.ts';
import { inboundParams, postSignedInboundWebhook, startFakeTwilio, type FakeTwilio } from '../fakes/twilio/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createPhoneNumber, createServiceTitanConfig, createTenant, uniquePhone } from '../support/factories.ts';
import { buildWebIfStale, webHandlerPath } from './web-build.ts';

export interface Stack {
  env: Env;
  /** Where the browser goes: http://127.0.0.1:<port>. */
  baseUrl: string;
  test: TestDatabase;
  box: SecretBox;
  app: App;
  fakes: { twilio: FakeTwilio; openai: FakeOpenAI; serviceTitan: FakeServiceTitan };
  tenant: { id: string; name: string; accountSid: string; authToken: string };
  ourNumber: { id: string; phone: string };
  /** A correctly signed inbound SMS webhook, as Twilio would send it. */
  sendInbound(input: { from: string; body: string }): Promise<Response>;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

export async function startStack(): Promise<Stack> {
  installTemporalRuntimeLogging(createLogger('warn', { service: 'browser-test-worker' }), 'warn');
  buildWebIfStale();

  // The port first: PUBLIC_BASE_URL (Twilio signatures) and the web app's in-process API origin need it.
  const server = createServer();
  const port = await listen(server);
  const baseUrl = `http://127.0.0.1:${port}`;

  const test = await createTestDatabase();
  const openaiKey = `test-openai-${randomUUID()}`;
  const [twilio, openai, serviceTitan] = await Promise.all([
    startFakeTwilio(),
    startFakeOpenAI({ apiKey: openaiKey }),
    startFakeServiceTitan(),
  ]);
  const settings = {
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_BASE_URL: baseUrl,
    DATABASE_URL: test.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `browser-${randomUUID()}`,
    OPENAI_API_KEY: openaiKey,
    OPENAI_BASE_URL: openai.url,
    TWILIO_API_BASE_URL: twilio.url,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
  } as const;
  // The web handler runs in this process and reads its settings through loadEnv() like production does.
  Object.assign(process.env, settings);
  const env = loadEnv(settings);
  const logger: Logger = createLogger(env.LOG_LEVEL, { service: 'browser-test' });
  const box = new SecretBox(env.ENCRYPTION_KEY);
  const db = test.db;

  const { tenant, authToken } = await createTenant(db, box, { name: 'Comfort Air Heating & Cooling' });
  const number = await createPhoneNumber(db, { tenantId: tenant.id, phone: uniquePhone(), label: 'Main line' });
  twilio.addAccount(tenant.twilioAccountSid!, authToken);

  const st = {
    tenantId: String(100_000 + Math.floor(Math.random() * 800_000)),
    bookingProvider: 77,
    clientId: `cid.${randomUUID()}`,
    clientSecret: `cs.${randomBytes(12).toString('hex')}`,
  };
  serviceTitan.addTenant({
    tenantId: st.tenantId,
    clientId: st.clientId,
    clientSecret: st.clientSecret,
    bookingProviderTags: [{ id: st.bookingProvider, name: 'IntelliSend' }],
  });
  await createServiceTitanConfig(db, box, {
    tenantId: tenant.id,
    environment: 'integration',
    tenantApiBaseUrl: serviceTitan.url,
    authUrl: serviceTitan.authUrl,
    serviceTitanTenantId: st.tenantId,
    clientId: st.clientId,
    clientSecret: st.clientSecret,
    appKey: serviceTitan.appKey,
    bookingProvider: String(st.bookingProvider),
    enabled: true,
  });

  const { handler: web } = (await import(pathToFileURL(webHandlerPath).href)) as { handler: RequestHandler };
  const temporal = new Client({ connection: await Connection.connect({ address: env.TEMPORAL_ADDRESS }), namespace: env.TEMPORAL_NAMESPACE, dataConverter: dataConverter(env) });
  const app = createApp({ env, db, box, logger, temporal, web });
  server.on('request', app.app);
  const worker = await startWorker({ env, logger, workflowBundle: { codePath: inject('workflowBundlePath') } });

  return {
    env,
    baseUrl,
    test,
    box,
    app,
    fakes: { twilio, openai, serviceTitan },
    tenant: { id: tenant.id, name: tenant.name, accountSid: tenant.twilioAccountSid!, authToken },
    ourNumber: { id: number.id, phone: number.phone },
    sendInbound({ from, body }) {
      return postSignedInboundWebhook({
        baseUrl,
        publicBaseUrl: env.PUBLIC_BASE_URL,
        authToken,
        params: inboundParams({ to: number.phone, from, body, accountSid: tenant.twilioAccountSid! }),
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker.shutdown();
      await app.close();
      await temporal.connection.close();
      await Promise.all([twilio.close(), openai.close(), serviceTitan.close()]);
      await test.drop();
    },
  };
}
