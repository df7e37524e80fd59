// A fake OpenAI API over real HTTP, for the official SDK to talk to in tests and in `npm start`
// without credentials. Implements POST /v1/chat/completions and POST /v1/responses, answers in
// the JSON schema it is asked for, and can be told to fail in the ways the real one does.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatCompletion, openAIError, requestId, responseObject } from './api-objects.ts';
import { createFaults, type FakeOpenAIFault, type FakeOpenAIFaults } from './faults.ts';
import { classifyByKeywords, type FakeClassification } from './heuristic-classifier.ts';
import { allPromptText, lastUserText, type OpenAIEndpoint } from './prompt-text.ts';
import { isToolCallingRequest, toolCallingCompletion } from './tool-calling.ts';
import { categoryEnum, minimalInstance, requestedSchema, schemaViolation, strictSchemaProblem } from './structured-output.ts';

export interface FakeOpenAIOptions {
  port?: number;
  host?: string;
  /** Only this key is accepted; any non-empty bearer token when absent. */
  apiKey?: string;
  latencyMs?: number;
}

export interface FakeOpenAIRequest {
  endpoint: OpenAIEndpoint | 'other';
  method: string;
  path: string;
  apiKey: string | null;
  body: unknown;
  receivedAt: Date;
}

/** Replaces the keyword heuristic, e.g. to return a low confidence or an unexpected category. */
export type FakeClassifierFn = (lastUserMessage: string) => FakeClassification;

export interface FakeOpenAI {
  /** Base URL including /v1: pass as OPENAI_BASE_URL. */
  url: string;
  close(): Promise<void>;
  /** Every request received, in order, including ones answered with an error. */
  requests: FakeOpenAIRequest[];
  /** Number of model calls (chat completions + responses) received so far. */
  readonly callCount: number;
  faults: FakeOpenAIFaults;
  /** Delay before every answer; may be changed at any time. */
  latencyMs: number;
  /**
   * While set, tool-calling requests (the assistant's model calls) are answered only once it settles:
   * a test can change something while a turn is waiting for the model.
   */
  holdToolCalling: Promise<void> | null;
  setClassifier(fn: FakeClassifierFn | null): void;
  /** Forget recorded requests, faults and a custom classifier. */
  reset(): void;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const endpoints: Record<string, OpenAIEndpoint> = {
  '/v1/chat/completions': 'chat.completions',
  '/v1/responses': 'responses',
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId(), ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function bearer(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim() || null;
}

/** Masks a key the way OpenAI's 401 message does. */
const maskKey = (key: string) => (key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : '*****');

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: FakeOpenAIRequest[] = [];
  const faults = createFaults();
  let classifier: FakeClassifierFn | null = null;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, openAIError(`fake OpenAI crashed: ${String(err)}`, 'server_error'));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const endpoint = req.method === 'POST' ? endpoints[path] : undefined;
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      // kept as text; answered below
    }
    requests.push({ endpoint: endpoint ?? 'other', method: req.method ?? '', path, apiKey: bearer(req), body, receivedAt: new Date() });
    if (fake.latencyMs > 0) await sleep(fake.latencyMs);
    if (fake.holdToolCalling && isObject(body) && isToolCallingRequest(body)) await fake.holdToolCalling;

    if (!endpoint) {
      return send(res, 404, openAIError(`Invalid URL (${req.method} ${path})`, 'invalid_request_error'));
    }
    const fault = faults.take({ toolCalling: isObject(body) && isToolCallingRequest(body) });
    if (answerWithFault(fault, res)) return;

    const key = bearer(req);
    if (!key) {
      return send(res, 401, openAIError(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        'invalid_request_error',
      ));
    }
    if (options.apiKey !== undefined && key !== options.apiKey) {
      return send(res, 401, openAIError(`Incorrect API key provided: ${maskKey(key)}.`, 'invalid_request_error', 'invalid_api_key'));
    }
    if (!isObject(body)) {
      return send(res, 400, openAIError('We could not parse the JSON body of your request.', 'invalid_request_error'));
    }
    const problem = requestProblem(body, endpoint);
    if (problem) return send(res, 400, openAIError(problem.message, 'invalid_request_error', problem.code, problem.param));

    if (endpoint === 'chat.completions' && fault.mode === 'none' && isToolCallingRequest(body)) return send(res, 200, toolCallingCompletion(body));
    const content =
      fault.mode === 'garbage' ? garbage() : fault.mode === 'offSchema' ? offSchema() : answerContent(body, endpoint);
    if ('error' in content) return send(res, 500, openAIError(content.error, 'server_error'));
    const model = String(body.model);
    const promptText = allPromptText(body, endpoint);
    if (endpoint === 'chat.completions') return send(res, 200, chatCompletion({ model, content: content.text, promptText }));
    const textFormat = isObject(body.text) ? body.text.format : undefined;
    return send(res, 200, responseObject({ model, content: content.text, promptText, instructions: body.instructions, textFormat }));
  }

  /** True when the fault has answered (or deliberately never will). */
  function answerWithFault(fault: FakeOpenAIFault, res: ServerResponse): boolean {
    switch (fault.mode) {
      case 'down':
        send(res, fault.status ?? 500, openAIError('The server had an error while processing your request. Sorry about that!', 'server_error'));
        return true;
      case 'rateLimited':
        send(
          res,
          429,
          openAIError('Rate limit reached for requests. Please try again in 1s.', 'requests', 'rate_limit_exceeded'),
          { 'retry-after': String(fault.retryAfterSeconds ?? 1) },
        );
        return true;
      case 'timeout':
        // Never answers; close() tears the socket down.
        return true;
      default:
        return false;
    }
  }

  function requestProblem(body: Json, endpoint: OpenAIEndpoint): { message: string; code: string | null; param: string } | null {
    if (typeof body.model !== 'string' || !body.model) return { message: 'you must provide a model parameter', code: null, param: 'model' };
    if (endpoint === 'chat.completions' && (!Array.isArray(body.messages) || body.messages.length === 0)) {
      return { message: "Missing required parameter: 'messages'.", code: 'missing_required_parameter', param: 'messages' };
    }
    if (endpoint === 'responses' && body.input === undefined) {
      return { message: "Missing required parameter: 'input'.", code: 'missing_required_parameter', param: 'input' };
    }
    const requested = requestedSchema(body);
    const schemaProblem = requested && strictSchemaProblem(requested);
    if (schemaProblem) {
      return { message: schemaProblem, code: 'invalid_json_schema', param: endpoint === 'chat.completions' ? 'response_format' : 'text.format.schema' };
    }
    return null;
  }

  function answerContent(body: Json, endpoint: OpenAIEndpoint): { text: string } | { error: string } {
    const verdict = (classifier ?? classifyByKeywords)(lastUserText(body, endpoint));
    const requested = requestedSchema(body);
    if (!requested) {
      const wantsJson = isObject(body.response_format) && body.response_format.type === 'json_object';
      return { text: wantsJson ? JSON.stringify(verdict) : `${verdict.category}: ${verdict.reason}` };
    }
    const answer = minimalInstance(requested.schema);
    if (categoryEnum(requested.schema) && isObject(answer)) {
      for (const key of ['category', 'confidence', 'reason'] as const) if (key in answer) answer[key] = verdict[key];
    }
    const violation = schemaViolation(requested.schema, answer);
    if (violation) return { error: `fake OpenAI cannot satisfy the requested schema: ${violation}` };
    return { text: JSON.stringify(answer) };
  }

  const garbage = () => ({ text: 'Sure! This customer seems engaged, probably. Let me know if you need anything else.' });
  const offSchema = () => ({ text: JSON.stringify({ label: 'positive', score: 7 }) });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  const fake: FakeOpenAI = {
    url: `http://${host}:${port}/v1`,
    requests,
    get callCount() {
      return requests.filter((r) => r.endpoint !== 'other').length;
    },
    faults,
    latencyMs: options.latencyMs ?? 0,
    holdToolCalling: null,
    setClassifier(fn) {
      classifier = fn;
    },
    reset() {
      requests.length = 0;
      faults.clear();
      classifier = null;
      fake.holdToolCalling = null;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
  return fake;
}
