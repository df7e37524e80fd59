// The production logger's redaction and shape, line by line as pino writes it.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, registerSecret, setLogSink } from './logger.ts';
import { PinoTemporalLogger } from './temporal-runtime.ts';

const stdout = (line: string) => process.stdout.write(line + '\n');
afterEach(() => setLogSink(stdout));

function capture(): Record<string, unknown>[] & { raw: string[] } {
  const raw: string[] = [];
  const parsed = Object.assign([] as Record<string, unknown>[], { raw });
  setLogSink((line) => {
    raw.push(line);
    parsed.push(JSON.parse(line) as Record<string, unknown>);
  });
  return parsed;
}

describe('logger', () => {
  it('writes JSON lines with a level label, ISO time, the base fields and the message', () => {
    const lines = capture();
    createLogger('info', { service: 'api' }).child({ reqId: 'r1' }).info('hello', { count: 2 });
    createLogger('info').debug('below the level');
    expect([...lines]).toEqual([{ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), service: 'api', reqId: 'r1', count: 2, msg: 'hello' }]);
  });

  it('redacts credential fields by name, nested too, and request bodies', () => {
    const lines = capture();
    createLogger('info').warn('call failed', {
      headers: { authorization: 'Bearer abc', cookie: 'intellisend_session=s%3Axyz', 'st-app-key': 'ak1' },
      config: { auth: { clientSecret: 'cs1', password: 'pw1' } },
      body: { text: 'my address is 1 Main St' },
      kept: 'visible',
    });
    expect(lines[0]).toMatchObject({
      headers: { authorization: '[redacted]', cookie: '[redacted]', 'st-app-key': '[redacted]' },
      config: { auth: { clientSecret: '[redacted]', password: '[redacted]' } },
      body: '[redacted]',
      kept: 'visible',
    });
  });

  it('masks a registered secret wherever it appears, in messages, fields and error stacks, keeping the stack', () => {
    const secret = `tok_${randomBytes(12).toString('hex')}`;
    const quoted = `k"${randomBytes(6).toString('hex')}\\x`;
    registerSecret(secret);
    registerSecret(quoted);
    const lines = capture();
    const log = createLogger('info');
    log.error(`refused ${secret}`, { error: new Error(`remote said ${secret} and ${quoted}`), detail: { deep: { deeper: [secret] } } });
    expect(lines.raw.join('\n')).not.toContain(secret);
    expect(lines.raw.join('\n')).not.toContain(JSON.stringify(quoted).slice(1, -1));
    const error = lines[0]!.error as { type: string; message: string; stack: string };
    expect(error.type).toBe('Error');
    expect(error.message).toBe('remote said [redacted] and [redacted]');
    expect(error.stack).toMatch(/logger\.test\.ts:\d+/);
  });

  it('writes the Temporal SDK logs through the same logger and redaction', () => {
    const secret = `sdk_${randomBytes(12).toString('hex')}`;
    registerSecret(secret);
    const lines = capture();
    const sdk = new PinoTemporalLogger(createLogger('info', { service: 'worker' }).pino.child({ sdk: 'temporal' }));
    sdk.warn(`Activity failed: ${secret}`, { sdkComponent: 'activity', attempt: 2n, [Symbol('ts')]: 1 });
    sdk.debug('below the level');
    expect([...lines]).toEqual([
      { level: 'warn', time: expect.any(String), service: 'worker', sdk: 'temporal', sdkComponent: 'activity', attempt: 2, msg: 'Activity failed: [redacted]' },
    ]);
  });
});
