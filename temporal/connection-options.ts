// The one place that turns configuration into Temporal connection options, for the API's client, the relay
// thread and the workers. @temporalio/envconfig does the reading, so the variables and the profile file
// mean exactly what they mean to the `temporal` CLI:
//   - TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (config/env.ts);
//   - TEMPORAL_API_KEY (Temporal Cloud; implies TLS), TEMPORAL_TLS=true, TEMPORAL_TLS_SERVER_CA_CERT_PATH
//     (a private CA), TEMPORAL_TLS_CLIENT_CERT_PATH + TEMPORAL_TLS_CLIENT_KEY_PATH (mTLS), *_DATA variants
//     holding the PEM itself, TEMPORAL_TLS_SERVER_NAME;
//   - TEMPORAL_CONFIG_FILE and/or TEMPORAL_PROFILE: a TOML profile file supplies all of these; a variable
//     that is set overrides the profile's value (TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE only when set to
//     something other than their defaults, since config/env.ts fills those in).
// Without a profile variable no file is read, so a stray ~/.config/temporalio/temporal.toml on a developer
// machine never redirects the app or the tests.
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { EnvError, type Env } from '../config/env.ts';
import { registerSecret } from '../logging/logger.ts';
import { temporalConnectionEnvNames } from './connection-env.ts';
import { dataConverter } from './data-converter.ts';

/** config/env.ts's defaults: a profile's address and namespace win over these. */
const defaultAddress = 'localhost:7233';
const defaultNamespace = 'default';

export interface TemporalConnectionConfig {
  /** For NativeConnection.connect (workers) and Connection.connect / Connection.lazy (clients). */
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  /** Where it connects and how, for logs and health output (never the key or certificates). */
  describe: { address: string; namespace: string; tls: boolean; apiKey: boolean; profile: string | null };
}

export function temporalConnection(env: Env): TemporalConnectionConfig {
  // Masked wherever they might end up in a log line (an error message quoting a header, say).
  registerSecret(env.TEMPORAL_API_KEY);
  registerSecret(env.TEMPORAL_TLS_CLIENT_KEY_DATA);
  const profileFile = env.TEMPORAL_CONFIG_FILE;
  const useFile = Boolean(profileFile || env.TEMPORAL_PROFILE);
  const vars: Record<string, string> = {};
  for (const name of temporalConnectionEnvNames) {
    const value = env[name];
    if (value !== undefined && name !== 'TEMPORAL_CONFIG_FILE' && name !== 'TEMPORAL_PROFILE') vars[name] = value;
  }
  if (!useFile || env.TEMPORAL_ADDRESS !== defaultAddress) vars.TEMPORAL_ADDRESS = env.TEMPORAL_ADDRESS;
  if (!useFile || env.TEMPORAL_NAMESPACE !== defaultNamespace) vars.TEMPORAL_NAMESPACE = env.TEMPORAL_NAMESPACE;
  if (Boolean(env.TEMPORAL_TLS_CLIENT_CERT_PATH ?? env.TEMPORAL_TLS_CLIENT_CERT_DATA) !== Boolean(env.TEMPORAL_TLS_CLIENT_KEY_PATH ?? env.TEMPORAL_TLS_CLIENT_KEY_DATA)) {
    throw new EnvError('Invalid environment:\n  TEMPORAL_TLS_CLIENT_CERT_* and TEMPORAL_TLS_CLIENT_KEY_* (mTLS) go together: set both or neither');
  }

  let loaded: ClientConnectConfig;
  try {
    loaded = loadClientConnectConfig({
      ...(env.TEMPORAL_PROFILE ? { profile: env.TEMPORAL_PROFILE } : {}),
      ...(profileFile ? { configSource: { path: profileFile } } : {}),
      disableFile: !useFile,
      overrideEnvVars: vars,
    });
  } catch (err) {
    throw new EnvError(`Invalid Temporal connection configuration: ${err instanceof Error ? err.message : String(err)}`);
  }
  registerSecret(loaded.connectionOptions.apiKey);
  const address = loaded.connectionOptions.address ?? env.TEMPORAL_ADDRESS;
  const namespace = loaded.namespace ?? env.TEMPORAL_NAMESPACE;
  const tls = loaded.connectionOptions.tls;
  return {
    connectionOptions: { ...loaded.connectionOptions, address },
    namespace,
    describe: {
      address,
      namespace,
      tls: Boolean(tls),
      apiKey: loaded.connectionOptions.apiKey !== undefined,
      profile: useFile ? `${profileFile ?? '~/.config/temporalio/temporal.toml'}#${env.TEMPORAL_PROFILE ?? 'default'}` : null,
    },
  };
}

/**
 * A client whose connection is made on first use, with the payload codec (every payload sealed), so the API starts (and stores webhooks) while Temporal
 * is down. Close it with `client.connection.close()`.
 */
export function lazyTemporalClient(env: Env): Client {
  const { connectionOptions, namespace } = temporalConnection(env);
  return new Client({ connection: Connection.lazy(connectionOptions), namespace, dataConverter: dataConverter(env) });
}
