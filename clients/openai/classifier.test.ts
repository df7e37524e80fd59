// The classifier against the fake OpenAI, through the real SDK over real HTTP.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../../test/fakes/openai/index.ts';
import { classificationJsonSchema } from './classification-schema.ts';
import { systemPrompt } from './classifier-prompt.ts';
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

/** What our code sent in the one model call of a test. */
function sentBody() {
  expect(fake.requests).toHaveLength(1);
  const request = fake.requests[0]!;
  expect(request.endpoint).toBe('chat.completions');
  expect(request.apiKey).toBe(apiKey);
  return request.body as { model: string; messages: Array<{ role: string; content: string }>; response_format: unknown };
}

describe('classify: what we send', () => {
  it('asks the configured model for the strict JSON-schema structured output, the SMS alone as the last message', async () => {
    await classifier({ model: 'gpt-test-model' }).classify({ body: 'hello', businessName: 'Sparky Electric' });
    const body = sentBody();
    expect(body.model).toBe('gpt-test-model');
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: classificationJsonSchema });
    expect(classificationJsonSchema.strict).toBe(true);
    expect(classificationJsonSchema.schema.properties.category.enum).toEqual(['engaged', 'opt_out', 'complaint']);
    expect(body.messages).toEqual([
      { role: 'system', content: systemPrompt('Sparky Electric') },
      { role: 'user', content: 'hello' },
    ]);
    expect(body.messages[0]!.content).toContain('"Sparky Electric"');
  });

  it('sends the last six earlier messages as labelled context, long ones clipped, before the SMS itself', async () => {
    const recent = Array.from({ length: 8 }, (_, i) => ({
      direction: i % 2 === 0 ? ('inbound' as const) : ('outbound' as const),
      body: i === 7 ? 'x'.repeat(600) : `line ${i}`,
    }));
    await classifier().classify({ body: 'Thanks, see you Tuesday', recent });
    const { messages } = sentBody();
    expect(messages).toHaveLength(3);
    expect(messages[0]!.role).toBe('system');
    expect(messages[1]).toEqual({
      role: 'user',
      content: ['Earlier messages of this conversation (context only):', 'Customer: line 2', 'Business: line 3', 'Customer: line 4', 'Business: line 5', 'Customer: line 6', `Business: ${'x'.repeat(500)}...`].join('\n'),
    });
    expect(messages[2]).toEqual({ role: 'user', content: 'Thanks, see you Tuesday' });
  });
});

describe('classify: how we read the answer', () => {
  // The fake answers what the test scripts, so these check our reading of it, not the fake's guesses.
  it.each([
    ['engaged', 'Worst plumber ever. I want a refund.'],
    ['complaint', 'Can someone come Tuesday afternoon to look at the AC?'],
    ['opt_out', 'Thanks, see you Tuesday'],
  ] as const)('returns the model\'s %s as it answered, whatever the words suggest', async (category, body) => {
    const asked: string[] = [];
    fake.setClassifier((latest) => {
      asked.push(latest);
      return { category, confidence: 0.37, reason: `Scripted ${category}.` };
    });
    const result = await classifier().classify({ body, recent: [{ direction: 'inbound', body: 'earlier' }] });
    expect(result).toEqual({ category, confidence: 0.37, reason: `Scripted ${category}.` });
    expect(asked).toEqual([body]);
  });

  it('keeps the confidence at its bounds and trims the reason', async () => {
    fake.setClassifier(() => ({ category: 'engaged', confidence: 0, reason: '   Neutral reply.  ' }));
    expect(await classifier().classify({ body: 'ok' })).toEqual({ category: 'engaged', confidence: 0, reason: 'Neutral reply.' });
    fake.setClassifier(() => ({ category: 'complaint', confidence: 1, reason: 'Angry.' }));
    expect(await classifier().classify({ body: 'ok' })).toMatchObject({ category: 'complaint', confidence: 1 });
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
    fake.setClassifier(() => ({ category: 'complaint', confidence: 0.9, reason: 'Scripted.' }));
    const result = await classifier({ maxRetries: 1 }).classify({ body: 'hello' });
    expect(result).toEqual({ category: 'complaint', confidence: 0.9, reason: 'Scripted.' });
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
    expect(JSON.parse(response.output_text)).toMatchObject({ category: expect.stringMatching(/^(engaged|opt_out|complaint)$/) });
    expect(response.usage?.total_tokens).toBeGreaterThan(0);
    expect(fake.requests[0]?.endpoint).toBe('responses');
  });
});
