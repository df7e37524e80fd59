import { describe, expect, it } from 'vitest';
import { RebasingRequestClient } from './rebasing-request-client.ts';

describe('RebasingRequestClient', () => {
  it('swaps the Twilio API origin (with or without edge/region) for the configured base', async () => {
    // Port 9 refuses the connection; the failed request still shows the URL it went to.
    const probe = new RebasingRequestClient('http://127.0.0.1:9/', { timeout: 50 });
    for (const uri of [
      'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
      'https://api.sydney.au1.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
    ]) {
      const err = (await probe.request({ method: 'get', uri }).catch((e: unknown) => e)) as { config?: { url?: string } };
      expect(err.config?.url).toBe('http://127.0.0.1:9/2010-04-01/Accounts/AC1/Messages.json');
    }
  });
});
