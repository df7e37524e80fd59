// The classification of failures the twilio SDK can throw, for the cases the fake Twilio cannot stage
// deterministically: a request that never finished writing, the SDK's RFC 9457 exception, an unreadable 2xx.
// (Answers the fake can give — 4xx, 429, 5xx, lost and late answers, a refused port — are in sender.test.ts.)
import { createServer, request, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { toTwilioSendError } from './twilio-send-error.ts';

/** A real ClientRequest whose body was not completely written (headers only, never ended). */
function unfinishedRequest(): ClientRequest {
  const req = request('http://127.0.0.1:1', { method: 'POST' });
  req.on('error', () => {});
  req.destroy();
  return req;
}

/** A real ClientRequest that was completely written to a listening server. */
async function finishedRequest(): Promise<ClientRequest> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const req = request(`http://127.0.0.1:${port}/`, { method: 'POST' });
  req.on('error', () => {});
  await new Promise<void>((resolve) => req.end('Body=hi', resolve));
  req.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return req;
}

/** What axios (inside the SDK) throws for a transport failure: its code and the node request. */
const axiosError = (code: string, req?: ClientRequest) => Object.assign(new Error(`${code} happened`), { name: 'AxiosError', code, ...(req ? { request: req } : {}) });

describe('toTwilioSendError', () => {
  it('a reset or timeout before the request was completely written: not sent', () => {
    expect(toTwilioSendError(axiosError('ECONNRESET', unfinishedRequest()), []).failure).toBe('notSent');
    expect(toTwilioSendError(axiosError('ECONNABORTED', unfinishedRequest()), []).failure).toBe('notSent');
  });

  it('the same after the request was completely written: unknown', async () => {
    expect(toTwilioSendError(axiosError('ECONNRESET', await finishedRequest()), []).failure).toBe('unknown');
    expect(toTwilioSendError(axiosError('ECONNABORTED', await finishedRequest()), []).failure).toBe('unknown');
  });

  it('without the request object we cannot tell: unknown, except for failures of connecting at all', () => {
    expect(toTwilioSendError(axiosError('ECONNRESET'), []).failure).toBe('unknown');
    expect(toTwilioSendError(axiosError('EPIPE'), []).failure).toBe('unknown');
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'CERT_HAS_EXPIRED']) {
      expect(toTwilioSendError(axiosError(code), []).failure, code).toBe('notSent');
    }
  });

  it("the SDK's RFC 9457 exception is read like a RestException", () => {
    const problem = (status: number, code: number) => Object.assign(new Error(`[HTTP ${status}] Problem`), { status, code, title: 'Problem', type: 'about:blank' });
    expect(toTwilioSendError(problem(400, 21211), [])).toMatchObject({ failure: 'rejected', status: 400, code: 21211 });
    expect(toTwilioSendError(problem(503, 20503), [])).toMatchObject({ failure: 'notSent', status: 503 });
    expect(toTwilioSendError(problem(504, 0), [])).toMatchObject({ failure: 'unknown', status: 504 });
  });

  it('a 2xx whose body was not JSON (the SDK fails to parse it): unknown', () => {
    expect(toTwilioSendError(new SyntaxError('Unexpected token < in JSON'), []).failure).toBe('unknown');
  });

  it('an error thrown before any request (a missing parameter): rejected, and secrets are scrubbed', () => {
    const err = toTwilioSendError(new Error('Required parameter "params.to" missing; token s3cr3t'), ['s3cr3t']);
    expect(err.failure).toBe('rejected');
    expect(err.message).not.toContain('s3cr3t');
  });
});
