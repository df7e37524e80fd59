// The one place that reads process.env. Everything else receives an `Env`.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseAllowedHosts } from '../clients/egress/egress-policy.ts';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const dataDir = join(projectRoot, '.data');

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

function validAllowedHosts(text: string): boolean {
  try {
    return parseAllowedHosts(text).length > 0;
  } catch {
    return false;
  }
}

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('intellisend'),
  TEMPORAL_UI_URL: z.string().url().default('http://localhost:8233'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-5-mini'),
  TWILIO_API_BASE_URL: z.string().url().default('https://api.twilio.com'),
  ENCRYPTION_KEY: base64Key.optional(),
  SESSION_SECRET: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Comma-separated `host` or `host:port` the ServiceTitan client may reach; unset: ServiceTitan's own hosts. */
  SERVICETITAN_ALLOWED_HOSTS: z.string().refine(validAllowedHosts, 'must be comma-separated host or host:port entries').optional(),
});

export type Env = Omit<z.infer<typeof schema>, 'PUBLIC_BASE_URL' | 'ENCRYPTION_KEY' | 'SESSION_SECRET'> & {
  PUBLIC_BASE_URL: string;
  ENCRYPTION_KEY: string;
  SESSION_SECRET: string;
};

export class EnvError extends Error {}

/** Outside production, keys are generated once and kept under .data/ so restarts can still decrypt. */
function developmentSecrets(): { ENCRYPTION_KEY: string; SESSION_SECRET: string } {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const secrets = {
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

/** Where `npm start` records the embedded services it started, so the CLI and `npm run worker` find them. */
export const localServicesFile = join(dataDir, 'local-services.json');
const localServiceKeys = ['DATABASE_URL', 'TEMPORAL_ADDRESS'] as const;

export function writeLocalServices(values: Partial<Record<(typeof localServiceKeys)[number], string>>): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(localServicesFile, JSON.stringify(values, null, 2));
}

function localServiceDefaults(): Record<string, string> {
  if (!existsSync(localServicesFile)) return {};
  const parsed = JSON.parse(readFileSync(localServicesFile, 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(localServiceKeys.flatMap((k) => (typeof parsed[k] === 'string' ? [[k, parsed[k]]] : [])));
}

/**
 * Reads and validates the environment. Called without arguments it reads process.env and, outside
 * production, falls back to the embedded services a running `npm start` recorded.
 */
export function loadEnv(source?: Record<string, string | undefined>): Env {
  const raw = source ?? process.env;
  const fallback = source === undefined && raw.NODE_ENV !== 'production' ? localServiceDefaults() : {};
  const cleaned = {
    ...fallback,
    ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== '')),
  };
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let { ENCRYPTION_KEY, SESSION_SECRET } = e;
  if (!ENCRYPTION_KEY || !SESSION_SECRET) {
    if (e.NODE_ENV === 'production') {
      throw new EnvError('Invalid environment:\n  ENCRYPTION_KEY and SESSION_SECRET are required in production');
    }
    const dev = developmentSecrets();
    ENCRYPTION_KEY ??= dev.ENCRYPTION_KEY;
    SESSION_SECRET ??= dev.SESSION_SECRET;
  }
  return {
    ...e,
    PUBLIC_BASE_URL: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    ENCRYPTION_KEY,
    SESSION_SECRET,
  };
}

export function requireDatabaseUrl(env: Env): string {
  if (!env.DATABASE_URL) throw new EnvError('DATABASE_URL is not set (npm start sets it for the embedded database)');
  return env.DATABASE_URL;
}
