// The classifier against the fake OpenAI, through the real SDK over real HTTP.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../../test/fakes/openai/index.ts';
import { classificationJsonSchema } from './classification-schema.ts';
import { ClassifierError, createClassifier } from './classifier.ts';

const apiKey = 'sk-test-classifier-0123456789';
let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const classifier = (overrides: Partial<Parameters<typeof createClassifier>[0]> = {}) =>
  createClassifier({ apiKey, baseURL: fake.url, model: 'gpt-5-mini', maxRetries: 0, ...overrides });

async function classifyError(promise: Promise<unknown>): Promise<ClassifierError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClassifierError);
  return err as ClassifierError;
}

describe('classify', () => {
  it('files a scheduling question as engaged', async () => {
    const result = await classifier().classify({ body: 'Can someone come Tuesday afternoon to look at the AC?', businessName: 'Cool Air Co' });
    expect(result.category).toBe('engaged');
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.reason.length).toBeGreaterThan(0);
  });

  it('files anger as complaint', async () => {
    const result = await classifier().classify({ body: 'Worst plumber ever. I want a refund.' });
    expect(result.category).toBe('complaint');
  });

  it.each(['please stop texting me', 'Please STOP texting me!!', 'unsubscribe me from this list', 'remove me please'])(
    'files the free-text opt-out "%s" as opt_out',
    async (body) => {
      const result = await classifier().classify({ body });
      expect(result.category).toBe('opt_out');
    },
  );

  it('classifies the latest message, not the history', async () => {
    const result = await classifier().classify({
      body: 'Thanks, see you Tuesday',
      recent: [
        { direction: 'inbound', body: 'This is unacceptable, nobody showed up' },
        { direction: 'outbound', body: 'So sorry! Can we come Tuesday?' },
      ],
    });
    expect(result.category).toBe('engaged');
  });

  it('asks for a strict JSON-schema structured output with the three categories', async () => {
    await classifier().classify({ body: 'hello', businessName: 'Sparky Electric' });
    const request = fake.requests[0];
    expect(request?.endpoint).toBe('chat.completions');
    expect(request?.apiKey).toBe(apiKey);
    const body = request?.body as {
      model: string;
      messages: Array<{ role: string; content: string }>;
      response_format: { type: string; json_schema: { strict: boolean; schema: { properties: { category: { enum: string[] } } } } };
    };
    expect(body.model).toBe('gpt-5-mini');
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.strict).toBe(true);
    expect(body.response_format.json_schema.schema.properties.category.enum).toEqual(['engaged', 'opt_out', 'complaint']);
    expect(body.messages[0]?.role).toBe('system');
    expect(body.messages[0]?.content).toContain('Sparky Electric');
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'hello' });
  });
});

describe('failures', () => {
  it('OpenAI down: retryable, after the SDK retried with backoff', async () => {
    fake.faults.set({ mode: 'down', status: 503 });
    const err = await classifyError(classifier({ maxRetries: 2 }).classify({ body: 'hi' }));
    expect(err.retryable).toBe(true);
    expect(err.kind).toBe('server');
    expect(err.status).toBe(503);
    expect(fake.callCount).toBe(3);
  });

  it('recovers when OpenAI fails once and the SDK retries', async () => {
    fake.faults.set({ mode: 'down', times: 1 });
    const result = await classifier({ maxRetries: 1 }).classify({ body: 'terrible service' });
    expect(result.category).toBe('complaint');
    expect(fake.callCount).toBe(2);
  });

  it('rate limited: retryable', async () => {
    fake.faults.set({ mode: 'rateLimited' });
    const err = await classifyError(classifier().classify({ body: 'hi' }));
    expect(err).toMatchObject({ kind: 'rate_limited', retryable: true, status: 429 });
  });

  it('garbage answer: invalid_output', async () => {
    fake.faults.set({ mode: 'garbage' });
    const err = await classifyError(classifier().classify({ body: 'hi' }));
    expect(err.kind).toBe('invalid_output');
    expect(err.message).toContain('not JSON');
  });

  it('JSON that breaks the schema: invalid_output from our own validation', async () => {
    fake.faults.set({ mode: 'offSchema' });
    const err = await classifyError(classifier().classify({ body: 'hi' }));
    expect(err.kind).toBe('invalid_output');
    expect(err.message).toContain('does not match the schema');
  });

  it('wrong API key: non-retryable, and the key is not in the message', async () => {
    const wrongKey = 'sk-wrong-key-abcdefghijklmnop';
    const err = await classifyError(createClassifier({ apiKey: wrongKey, baseURL: fake.url, model: 'm', maxRetries: 0 }).classify({ body: 'hi' }));
    expect(err).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
    expect(err.message).not.toContain(wrongKey);
  });

  it('no answer within timeoutMs: retryable timeout', async () => {
    fake.faults.set({ mode: 'timeout' });
    const started = Date.now();
    const err = await classifyError(classifier({ timeoutMs: 300 }).classify({ body: 'hi' }));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('the overall deadline bounds retries and retry-after waits', async () => {
    fake.faults.set({ mode: 'rateLimited', retryAfterSeconds: 30 });
    const started = Date.now();
    const err = await classifyError(classifier({ maxRetries: 2, totalTimeoutMs: 500 }).classify({ body: 'hi' }));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('the fake speaks the Responses API to the real SDK too', () => {
  it('responses.create with text.format json_schema', async () => {
    const client = new OpenAI({ apiKey, baseURL: fake.url, maxRetries: 0 });
    const response = await client.responses.create({
      model: 'gpt-5-mini',
      instructions: 'Classify the SMS.',
      input: [{ role: 'user', content: 'This is unacceptable, I will complain to the BBB' }],
      text: { format: { type: 'json_schema', ...classificationJsonSchema, schema: { ...classificationJsonSchema.schema } } },
    });
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(JSON.parse(response.output_text)).toMatchObject({ category: 'complaint' });
    expect(response.usage?.total_tokens).toBeGreaterThan(0);
    expect(fake.requests[0]?.endpoint).toBe('responses');
  });
});
