// Our independent signer must agree with the twilio SDK, so that tests signing with it prove our
// validator agrees with Twilio's algorithm.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { isValidTwilioSignature } from '../../../clients/twilio/signature.ts';
import { inboundParams, postSignedInboundWebhook, signTwilioWebhook } from './webhook-signer.ts';

const authToken = '12345678901234567890123456789012';
const accountSid = 'AC' + 'a'.repeat(32);
const url = 'https://sms.example.com/api/twilio/inbound';

describe('signTwilioWebhook', () => {
  const params = inboundParams({ to: '+15125550100', from: '+15125550199', body: 'Is Tuesday ok? 👍 & thanks', accountSid });

  it('equals the SDK signature and passes validateRequest', () => {
    const signature = signTwilioWebhook(authToken, url, params);
    expect(signature).toBe(twilio.getExpectedTwilioSignature(authToken, url, params));
    expect(twilio.validateRequest(authToken, signature, url, params)).toBe(true);
    expect(isValidTwilioSignature({ authToken, signature, url, params })).toBe(true);
  });

  it('agrees on repeated parameters and query strings', () => {
    const withArrays = { MediaUrl0: ['b', 'a', 'b'], Body: 'x' };
    const withQuery = `${url}?tenant=1&x=%20y`;
    expect(signTwilioWebhook(authToken, withQuery, withArrays)).toBe(twilio.getExpectedTwilioSignature(authToken, withQuery, withArrays));
  });

  it('a changed parameter, URL or token fails validation', () => {
    const signature = signTwilioWebhook(authToken, url, params);
    expect(twilio.validateRequest(authToken, signature, url, { ...params, Body: 'changed' })).toBe(false);
    expect(isValidTwilioSignature({ authToken, signature, url, params: { ...params, Body: 'changed' } })).toBe(false);
    expect(isValidTwilioSignature({ authToken, signature, url: url + '?x=1', params })).toBe(false);
    expect(isValidTwilioSignature({ authToken: 'f'.repeat(32), signature, url, params })).toBe(false);
    expect(isValidTwilioSignature({ authToken, signature: '', url, params })).toBe(false);
    expect(isValidTwilioSignature({ authToken, signature, url: 'not a url', params })).toBe(false);
  });
});

describe('inboundParams', () => {
  it('builds the full Twilio inbound parameter set', () => {
    const p = inboundParams({ to: '+15125550100', from: '+15125550199', body: 'hi', accountSid });
    expect(p.MessageSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(p.SmsSid).toBe(p.MessageSid);
    expect(p.SmsMessageSid).toBe(p.MessageSid);
    expect(p).toMatchObject({
      AccountSid: accountSid, From: '+15125550199', To: '+15125550100', Body: 'hi', NumMedia: '0', NumSegments: '1',
      SmsStatus: 'received', ApiVersion: '2010-04-01', FromCountry: 'US', ToCountry: 'US',
    });
    for (const k of ['FromCity', 'FromState', 'FromZip', 'ToCity', 'ToState', 'ToZip']) expect(p).toHaveProperty(k);
    expect(inboundParams({ to: '+1', from: '+1', body: 'x', accountSid, messageSid: 'SMfixed' }).MessageSid).toBe('SMfixed');
  });
});

describe('postSignedInboundWebhook', () => {
  it('signs against the public URL and posts form-encoded to the real one', async () => {
    const seen: Array<{ valid: boolean; contentType: string | undefined }> = [];
    const publicBaseUrl = 'https://public.example.com';
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      const signature = String(req.headers['x-twilio-signature'] ?? '');
      seen.push({ valid: isValidTwilioSignature({ authToken, signature, url: publicBaseUrl + (req.url ?? ''), params }), contentType: req.headers['content-type'] });
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const params = inboundParams({ to: '+15125550100', from: '+15125550199', body: 'hello', accountSid });
      const ok = await postSignedInboundWebhook({ baseUrl, publicBaseUrl, authToken, params });
      expect(ok.status).toBe(200);
      await postSignedInboundWebhook({ baseUrl, publicBaseUrl, authToken, params, path: '/api/twilio/status?attempt=2' });
      await postSignedInboundWebhook({ baseUrl, publicBaseUrl, authToken, params, signature: 'bogus' });
      expect(seen.map((s) => s.valid)).toEqual([true, true, false]);
      expect(seen[0]?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
