// A fake Twilio REST API over real HTTP, for the official twilio SDK to talk to in tests and in
// `npm start` without credentials. Implements creating and fetching Messages with Twilio's auth,
// validation errors and resource JSON, then plays the message's life through signed status callbacks.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTwilioFaults, type FakeTwilioFaultMode, type FakeTwilioFaults } from './faults.ts';
import { messageResource, segmentCount, type FakeTwilioMessage } from './message-resource.ts';
import { createRecipientErrors, type FakeRecipientErrors } from './recipient-errors.ts';
import { messageSid } from './sids.ts';
import { createStatusProgression, type FakeStatusCallback, type StatusCallbackMode } from './status-callbacks.ts';
import { authenticateError, notFoundError, twilioError, type TwilioErrorBody } from './twilio-errors.ts';

export interface FakeTwilioOptions {
  port?: number;
  host?: string;
  /** Account SID → auth token. */
  accounts?: Record<string, string>;
  statusCallbacks?: StatusCallbackMode;
  latencyMs?: number;
}

export interface FakeTwilio {
  /** API base URL: pass as TWILIO_API_BASE_URL. */
  url: string;
  close(): Promise<void>;
  /** Every message accepted, in order (also those whose answer a fault then lost). */
  messages: FakeTwilioMessage[];
  /** How many messages were created: what the customers' phones would receive. */
  readonly createdCount: number;
  /** Account SID → auth token. */
  accounts: Map<string, string>;
  addAccount(accountSid: string, authToken: string): void;
  faults: FakeTwilioFaults;
  /** How accepted messages report their progress; may be changed at any time. */
  statusCallbacks: StatusCallbackMode;
  latencyMs: number;
  /** Every status callback posted, with our app's answer. */
  callbacks: FakeStatusCallback[];
  /** Number of REST requests received (including refused ones): lets tests assert "nothing was sent". */
  readonly requestCount: number;
  /** Per-recipient refusals (21211, 21610, …). */
  recipientErrors: FakeRecipientErrors;
  /** Sending to this number fails with 21610 (the recipient replied STOP). */
  blockRecipient(phone: string): void;
  /** Resolves when every scheduled status change and callback has happened. */
  idle(): Promise<void>;
  reset(): void;
}

const apiVersion = '/2010-04-01';
const messagesPath = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const messagePath = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;
const e164 = /^\+[1-9]\d{6,14}$/;
const maxBodyLength = 1600;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'twilio-request-id': `RQ${crypto.randomUUID().replace(/-/g, '')}`, ...headers });
  res.end(JSON.stringify(body));
}
const sendError = (res: ServerResponse, e: TwilioErrorBody, headers?: Record<string, string>) => send(res, e.status, e, headers);

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const out: Record<string, string> = {};
  for (const [k, v] of form) if (!(k in out)) out[k] = v;
  return out;
}

function basicAuth(req: IncomingMessage): { username: string; password: string } | null {
  const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const messages: FakeTwilioMessage[] = [];
  const callbacks: FakeStatusCallback[] = [];
  const accounts = new Map(Object.entries(options.accounts ?? {}));
  const blocked = new Set<string>();
  const faults = createTwilioFaults();
  const recipientErrors = createRecipientErrors();
  let requestCount = 0;
  const progression = createStatusProgression({
    authTokenFor: (sid) => accounts.get(sid),
    record: (cb) => callbacks.push(cb),
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, twilioError(500, 20500, `fake Twilio crashed: ${String(err)}`));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const form = req.method === 'POST' ? await readForm(req) : {};
    if (!path.startsWith(apiVersion)) return sendError(res, notFoundError(path));
    requestCount += 1;
    if (fake.latencyMs > 0) await sleep(fake.latencyMs);
    const fault = faults.take();
    if (answerWithFault(fault, res)) return;

    const list = messagesPath.exec(path);
    const single = messagePath.exec(path);
    const accountSid = list?.[1] ?? single?.[1];
    if (!accountSid || (list && req.method !== 'POST') || (single && req.method !== 'GET')) {
      return sendError(res, notFoundError(path));
    }
    const auth = basicAuth(req);
    if (!auth || auth.username !== accountSid || accounts.get(accountSid) !== auth.password) {
      return sendError(res, authenticateError());
    }
    if (single) {
      const found = messages.find((m) => m.sid === single[2] && m.accountSid === accountSid);
      return found ? send(res, 200, messageResource(found)) : sendError(res, notFoundError(path));
    }
    const problem = createProblem(form);
    if (problem) return sendError(res, problem);
    const now = new Date();
    const message: FakeTwilioMessage = {
      sid: messageSid(),
      accountSid,
      to: form.To ?? '',
      from: form.From ?? '',
      body: form.Body ?? '',
      statusCallback: form.StatusCallback || null,
      status: 'queued',
      errorCode: null,
      errorMessage: null,
      numSegments: segmentCount(form.Body ?? ''),
      dateCreated: now,
      dateUpdated: now,
      dateSent: null,
      auth,
      params: form,
    };
    messages.push(message);
    progression.start(message, fake.statusCallbacks, faults.failDelivery);
    if (fault === 'lostAnswer') {
      // Twilio has the message; the answer never reaches the client ("socket hang up" / ECONNRESET).
      req.socket.destroy();
      return;
    }
    if (fault === 'slowAnswer') {
      const delay = faults.current.answerDelayMs;
      if (delay === undefined) return; // held until close() drops the socket
      await sleep(delay);
      if (res.destroyed) return;
    }
    send(res, 201, messageResource(message));
  }

  /** Twilio's checks, in Twilio's order, with its codes and wording. */
  function createProblem(form: Record<string, string>): TwilioErrorBody | null {
    const to = form.To;
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!e164.test(to)) return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!form.From && !form.MessagingServiceSid) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (form.From && !e164.test(form.From)) return twilioError(400, 21212, `The 'From' number ${form.From} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
    if (!form.Body && !form.MediaUrl) return twilioError(400, 21602, 'Message body is required.');
    if ((form.Body ?? '').length > maxBodyLength) return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (form.StatusCallback && !isHttpUrl(form.StatusCallback)) return twilioError(400, 21609, `The StatusCallback URL ${form.StatusCallback} is not a valid URL.`);
    if (blocked.has(to)) return twilioError(400, 21610, 'Attempt to send to unsubscribed recipient');
    return recipientErrors.problemFor(to);
  }

  function answerWithFault(mode: FakeTwilioFaultMode, res: ServerResponse): boolean {
    switch (mode) {
      case 'down': {
        const status = faults.current.status ?? 500;
        sendError(res, status === 500 ? twilioError(500, 20500, 'An internal server error has occurred') : twilioError(status, 20503, 'Service unavailable'));
        return true;
      }
      case 'rateLimited':
        sendError(res, twilioError(429, 20429, 'Too Many Requests'), { 'retry-after': '1' });
        return true;
      case 'timeout':
        return true; // never answers; close() drops the socket
      default:
        return false; // including lostAnswer / slowAnswer: they misbehave only after creating the message
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  const fake: FakeTwilio = {
    url: `http://${host}:${port}`,
    messages,
    get createdCount() {
      return messages.length;
    },
    accounts,
    addAccount(sid, token) {
      accounts.set(sid, token);
    },
    faults,
    recipientErrors,
    statusCallbacks: options.statusCallbacks ?? {},
    latencyMs: options.latencyMs ?? 0,
    callbacks,
    get requestCount() {
      return requestCount;
    },
    blockRecipient(phone) {
      blocked.add(phone);
    },
    idle: () => progression.idle(),
    reset() {
      messages.length = 0;
      callbacks.length = 0;
      blocked.clear();
      recipientErrors.clear();
      faults.clear();
      requestCount = 0;
    },
    close: async () => {
      progression.stop();
      await progression.idle();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
