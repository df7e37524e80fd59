// The environment variables @temporalio/envconfig reads, validated with the rest in config/env.ts (which
// spreads this shape into its schema). Together with TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE they connect
// the API and the workers to any Temporal: a local server, a self-hosted cluster behind TLS or mTLS, or
// Temporal Cloud (API key). temporal/connection-options.ts turns them into connection options.
import { z } from 'zod';

const flag = z.enum(['true', 'false', '1', '0']);

export const temporalConnectionEnv = {
  /** A TOML profile file (Temporal's client config format); only read when this or TEMPORAL_PROFILE is set. */
  TEMPORAL_CONFIG_FILE: z.string().min(1).optional(),
  /** The profile in that file (default `default`; the file defaults to ~/.config/temporalio/temporal.toml). */
  TEMPORAL_PROFILE: z.string().min(1).optional(),
  /** Temporal Cloud API key; turns TLS on. A secret: never logged. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: flag.optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_CERT_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
};

export type TemporalConnectionEnvName = keyof typeof temporalConnectionEnv;
export const temporalConnectionEnvNames = Object.keys(temporalConnectionEnv) as TemporalConnectionEnvName[];
