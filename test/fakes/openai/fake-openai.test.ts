// The fake OpenAI over raw HTTP: the parts the classifier tests do not already cover.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { classifyByKeywords } from './heuristic-classifier.ts';
import { startFakeOpenAI, type FakeOpenAI } from './server.ts';

let fake: FakeOpenAI;
const key = 'sk-fake-test-key-000000';

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: key });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const schema = {
  type: 'object',
  properties: {
    category: { type: 'string', enum: ['engaged', 'opt_out', 'complaint'] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    reason: { type: 'string', maxLength: 200 },
  },
  required: ['category', 'confidence', 'reason'],
  additionalProperties: false,
};

function chat(body: unknown, apiKey: string | null = key, signal?: AbortSignal) {
  return fetch(`${fake.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

const classificationRequest = (text: string, s: object = schema) => ({
  model: 'gpt-5-mini',
  messages: [{ role: 'system', content: 'classify' }, { role: 'user', content: text }],
  response_format: { type: 'json_schema', json_schema: { name: 'c', strict: true, schema: s } },
});

describe('fake OpenAI', () => {
  it('answers a chat completion in the requested schema', async () => {
    const res = await chat(classificationRequest("I'm so angry, this is terrible"));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const json = (await res.json()) as { object: string; id: string; choices: Array<{ message: { content: string } }>; usage: { total_tokens: number } };
    expect(json.object).toBe('chat.completion');
    expect(json.id).toMatch(/^chatcmpl-/);
    expect(json.usage.total_tokens).toBeGreaterThan(0);
    expect(JSON.parse(json.choices[0]!.message.content)).toEqual({
      category: 'complaint',
      confidence: expect.any(Number),
      reason: expect.any(String),
    });
  });

  it('requires a bearer key, answering 401 in the OpenAI error shape', async () => {
    const missing = await chat(classificationRequest('hi'), null);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('API key') } });
    const wrong = await chat(classificationRequest('hi'), 'sk-not-the-right-key-999');
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_api_key');
    expect(body.error.message).not.toContain('sk-not-the-right-key-999');
  });

  it('refuses schemas strict mode refuses', async () => {
    const loose = { ...schema, additionalProperties: undefined };
    const res = await chat(classificationRequest('hi', loose));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_json_schema', message: expect.stringContaining('additionalProperties') } });
    const notAllRequired = await chat(classificationRequest('hi', { ...schema, required: ['category'] }));
    expect(notAllRequired.status).toBe(400);
  });

  it('fills unknown schemas with a minimal valid instance', async () => {
    const other = { type: 'object', properties: { n: { type: 'integer', minimum: 3 }, tags: { type: 'array', items: { type: 'string' } } }, required: ['n', 'tags'], additionalProperties: false };
    const res = await chat(classificationRequest('hi', other));
    const json = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    expect(JSON.parse(json.choices[0]!.message.content)).toEqual({ n: 3, tags: [] });
  });

  it('counts calls, so tests can assert that none was made', async () => {
    expect(fake.callCount).toBe(0);
    await chat(classificationRequest('hi'));
    await chat(classificationRequest('hi'));
    expect(fake.callCount).toBe(2);
  });

  it('faults: down, rate limited with retry-after, garbage, and a limited number of times', async () => {
    fake.faults.set({ mode: 'down', status: 503, times: 1 });
    expect((await chat(classificationRequest('hi'))).status).toBe(503);
    expect((await chat(classificationRequest('hi'))).status).toBe(200);

    fake.faults.set({ mode: 'rateLimited', retryAfterSeconds: 7 });
    const limited = await chat(classificationRequest('hi'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');

    fake.faults.set({ mode: 'garbage' });
    const garbage = (await (await chat(classificationRequest('hi'))).json()) as { choices: Array<{ message: { content: string } }> };
    expect(() => JSON.parse(garbage.choices[0]!.message.content)).toThrow();
  });

  it('timeout: never answers', async () => {
    fake.faults.set({ mode: 'timeout' });
    await expect(chat(classificationRequest('hi'), key, AbortSignal.timeout(300))).rejects.toThrow();
  });

  it('adds latency when asked', async () => {
    fake.latencyMs = 200;
    const started = Date.now();
    await chat(classificationRequest('hi'));
    fake.latencyMs = 0;
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('lets a test replace the heuristic', async () => {
    fake.setClassifier(() => ({ category: 'engaged', confidence: 0.1, reason: 'unsure' }));
    const json = (await (await chat(classificationRequest('refund now'))).json()) as { choices: Array<{ message: { content: string } }> };
    expect(JSON.parse(json.choices[0]!.message.content)).toEqual({ category: 'engaged', confidence: 0.1, reason: 'unsure' });
  });

  it('answers 404 for other endpoints', async () => {
    const res = await fetch(`${fake.url}/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: '{}' });
    expect(res.status).toBe(404);
    expect(fake.callCount).toBe(0);
  });
});

describe('keyword heuristic', () => {
  it.each([
    ['please stop texting me', 'opt_out'],
    ['Don’t text me again', 'opt_out'],
    ['stop texting me, worst company ever', 'opt_out'],
    ['That was the worst service', 'complaint'],
    ['I want a refund', 'complaint'],
    ['Unacceptable.', 'complaint'],
    ['Can you come at 3?', 'engaged'],
    ['thanks!', 'engaged'],
  ])('%s → %s', (text, category) => {
    expect(classifyByKeywords(text).category).toBe(category);
  });
});
