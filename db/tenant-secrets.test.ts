import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, setLogSink } from '../logging/logger.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { createServiceTitanConfig, createTenant } from '../test/support/factories.ts';
import { loadServiceTitanConfig, loadTwilioAuthToken, loadTwilioCredentials } from './tenant-secrets.ts';

const box = new SecretBox(randomBytes(32).toString('base64'));
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

function captureLogs(): string[] {
  const lines: string[] = [];
  setLogSink((line) => lines.push(line));
  return lines;
}

describe('tenant secrets', () => {
  it('decrypt the Twilio auth token and mask it in logs from then on', async () => {
    const { tenant, authToken } = await createTenant(t.db, box);
    expect(await loadTwilioAuthToken(t.db, box, tenant.id)).toBe(authToken);
    expect(await loadTwilioCredentials(t.db, box, tenant.id)).toEqual({ accountSid: tenant.twilioAccountSid, authToken });
    const lines = captureLogs();
    createLogger('info').info(`request failed with token ${authToken}`);
    expect(lines.join('\n')).not.toContain(authToken);
  });

  it('answer null for a tenant without Twilio credentials or without a ServiceTitan config', async () => {
    const { tenant } = await createTenant(t.db, box, { twilioAccountSid: null, authToken: '' });
    await tenant.update({ twilioAuthToken: null });
    expect(await loadTwilioCredentials(t.db, box, tenant.id)).toBeNull();
    expect(await loadServiceTitanConfig(t.db, box, tenant.id)).toBeNull();
  });

  it('decrypt the ServiceTitan client secret and app key and mask them', async () => {
    const { tenant } = await createTenant(t.db, box);
    const { config, clientSecret, appKey } = await createServiceTitanConfig(t.db, box, { tenantId: tenant.id });
    expect(config.clientSecret).not.toBe(clientSecret);
    const loaded = await loadServiceTitanConfig(t.db, box, tenant.id);
    expect(loaded).toMatchObject({ tenantId: tenant.id, clientSecret, appKey, enabled: true, clientId: config.clientId });
    const lines = captureLogs();
    createLogger('info').error('boom', { detail: `secret=${clientSecret} key=${appKey}` });
    expect(lines.join('\n')).not.toContain(clientSecret);
    expect(lines.join('\n')).not.toContain(appKey);
  });
});
