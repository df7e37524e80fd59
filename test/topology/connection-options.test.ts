// Connecting to any Temporal: the variables and the profile file mean what they mean to the `temporal` CLI
// (@temporalio/envconfig reads both), for a local server, TLS / mTLS, and Temporal Cloud's API keys.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../config/env.ts';
import { createLogger, setLogSink } from '../../logging/logger.ts';
import { temporalConnection } from '../../temporal/connection-options.ts';

const dir = mkdtempSync(join(tmpdir(), 'intellisend-envconfig-'));
const base = { NODE_ENV: 'test', ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), SESSION_SECRET: 'x'.repeat(32) };
/** The PEM envconfig loaded (bytes). */
const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString();
const connect = (vars: Record<string, string>) => temporalConnection(loadEnv({ ...base, ...vars }));

describe('temporal/connection-options', () => {
  it('connects in plain text to TEMPORAL_ADDRESS by default, and never reads a profile file unasked', () => {
    const c = connect({ TEMPORAL_ADDRESS: '127.0.0.1:7233', HOME: dir });
    expect(c.connectionOptions.address).toBe('127.0.0.1:7233');
    expect(c.connectionOptions.tls).toBeUndefined();
    expect(c.namespace).toBe('default');
    expect(c.describe).toEqual({ address: '127.0.0.1:7233', namespace: 'default', tls: false, apiKey: false, profile: null });
  });

  it('turns TLS on for a Temporal Cloud API key', () => {
    const c = connect({ TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233', TEMPORAL_NAMESPACE: 'acme.a1b2c', TEMPORAL_API_KEY: 'cloud-key-123' });
    expect(c.connectionOptions.apiKey).toBe('cloud-key-123');
    expect(c.connectionOptions.tls).toBe(true);
    expect(c.namespace).toBe('acme.a1b2c');
    // What is logged says that a key is used, never the key; the key itself is masked in any log line.
    expect(JSON.stringify(c.describe)).not.toContain('cloud-key-123');
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    createLogger('info', { service: 'test' }).error('Temporal said no', { error: new Error('bad key cloud-key-123') });
    expect(lines.join('\n')).toContain('Temporal said no');
    expect(lines.join('\n')).not.toContain('cloud-key-123');
  });

  it('presents a client certificate for mTLS, with a private CA and a server name', () => {
    for (const [name, pem] of [['client.pem', 'CLIENT CERT'], ['client.key', 'CLIENT KEY'], ['ca.pem', 'PRIVATE CA']] as const) writeFileSync(join(dir, name), pem);
    const c = connect({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: join(dir, 'client.key'),
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    const tls = c.connectionOptions.tls;
    if (typeof tls !== 'object' || !tls) throw new Error('expected a TLS config');
    expect(text(tls.clientCertPair?.crt)).toBe('CLIENT CERT');
    expect(text(tls.clientCertPair?.key)).toBe('CLIENT KEY');
    expect(text(tls.serverRootCACertificate)).toBe('PRIVATE CA');
    expect(tls.serverNameOverride).toBe('temporal.internal');
  });

  it('refuses a client certificate without its key', () => {
    expect(() => connect({ TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'client.pem') })).toThrow(EnvError);
  });

  it('reads a profile file when asked, and a variable that is set overrides the profile', () => {
    const file = join(dir, 'temporal.toml');
    writeFileSync(
      file,
      ['[profile.cloud]', 'address = "acme.a1b2c.tmprl.cloud:7233"', 'namespace = "acme.a1b2c"', 'api_key = "from-profile"', ''].join('\n'),
    );
    const fromFile = connect({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' });
    expect(fromFile.connectionOptions.address).toBe('acme.a1b2c.tmprl.cloud:7233');
    expect(fromFile.namespace).toBe('acme.a1b2c');
    expect(fromFile.connectionOptions.apiKey).toBe('from-profile');
    expect(fromFile.connectionOptions.tls).toBe(true);
    expect(fromFile.describe.profile).toBe(`${file}#cloud`);

    const overridden = connect({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud', TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233', TEMPORAL_API_KEY: 'from-env' });
    expect(overridden.connectionOptions.address).toBe('eu-west-1.aws.api.temporal.io:7233');
    expect(overridden.connectionOptions.apiKey).toBe('from-env');
    expect(() => connect({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'missing' })).toThrow(/Profile 'missing' not found/);
  });
});
