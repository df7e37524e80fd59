// The one place that reads process.env. Everything else receives an `Env`.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseAllowedHosts } from '../clients/egress/egress-policy.ts';
import { payloadKeysPattern } from '../temporal/payload-keys.ts';
import { temporalConnectionEnv } from '../temporal/connection-env.ts';
import { topologyEnv } from './topology-env.ts';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** `.data/` of the checkout; INTELLISEND_DATA_DIR moves it (a test's own npm start, a second demo). */
export const dataDir = process.env.INTELLISEND_DATA_DIR || join(projectRoot, '.data');

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

/** Express's own names for address ranges (https://expressjs.com/en/guide/behind-proxies.html). */
const proxyRangeNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrSubnet(entry: string): boolean {
  if (proxyRangeNames.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * Which proxies in front of the API to believe about the client's address (Express `trust proxy`):
 * off (the default: the socket's peer is the client), a number of hops, or addresses/subnets.
 */
export type TrustProxy = false | number | string[];

const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx): TrustProxy => {
    if (v === '' || v === 'false' || v === '0') return false;
    if (/^\d+$/.test(v)) return Number(v);
    const entries = v.split(',').map((e) => e.trim()).filter(Boolean);
    const bad = entries.filter((e) => !isAddressOrSubnet(e));
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `not a hop count or an address/subnet list: ${bad.join(', ')}` });
      return z.NEVER;
    }
    return entries;
  });

const schema = z.object({
  // Unset means production: a deployment that forgets it gets the strict checks, not development's leniency.
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
  DATABASE_URL: z.string().url().optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('intellisend'),
  TEMPORAL_UI_URL: z.string().url().default('http://localhost:8233'),
  /** Payload codec keys `id:base64key,…`, newest first; unset: one key derived from ENCRYPTION_KEY (temporal/payload-keys.ts). */
  TEMPORAL_PAYLOAD_KEYS: z.string().regex(payloadKeysPattern, 'must be `id:base64key` entries (32-byte keys), comma-separated').optional(),
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
  /** The SvelteKit build the API serves (web/vite.config.ts writes it there); default web/build. */
  WEB_BUILD_DIR: z.string().min(1).optional(),
  /** The worker's concurrency: activity slots (and as many local-activity slots), open workflow tasks. */
  WORKER_MAX_ACTIVITIES: z.coerce.number().int().min(1).default(20),
  WORKER_MAX_WORKFLOW_TASKS: z.coerce.number().int().min(2).default(100),
  TRUST_PROXY: trustProxy.default(false),
  ...temporalConnectionEnv,
  ...topologyEnv,
});

export type Env = Omit<z.infer<typeof schema>, 'TEMPORAL_ADDRESS' | 'PUBLIC_BASE_URL' | 'ENCRYPTION_KEY' | 'SESSION_SECRET'> & {
  TEMPORAL_ADDRESS: string;
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
 * Reads and validates the environment (NODE_ENV unset is production). Called without arguments it reads
 * process.env and, in development and test, falls back to the embedded services a running `npm start` recorded.
 */
export function loadEnv(source?: Record<string, string | undefined>): Env {
  const raw = source ?? process.env;
  const production = (raw.NODE_ENV || 'production') === 'production';
  const fallback = source === undefined && !production ? localServiceDefaults() : {};
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
  if (e.NODE_ENV === 'production') {
    const missing = productionProblems(e);
    if (missing.length > 0) {
      throw new EnvError(
        `Refusing to start in production (NODE_ENV is ${raw.NODE_ENV ? 'production' : 'unset, which means production'}):\n` +
          `${missing.map((m) => `  ${m}`).join('\n')}\n` +
          'Set them, or set NODE_ENV=development to run locally with generated keys.',
      );
    }
  }
  let { ENCRYPTION_KEY, SESSION_SECRET } = e;
  if (!ENCRYPTION_KEY || !SESSION_SECRET) {
    const dev = developmentSecrets();
    ENCRYPTION_KEY ??= dev.ENCRYPTION_KEY;
    SESSION_SECRET ??= dev.SESSION_SECRET;
  }
  return {
    ...e,
    TEMPORAL_ADDRESS: e.TEMPORAL_ADDRESS ?? 'localhost:7233',
    PUBLIC_BASE_URL: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    ENCRYPTION_KEY,
    SESSION_SECRET,
  };
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** What production needs and does not have, one line each, so an operator fixes everything in one go. */
function productionProblems(e: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  if (!e.ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY is missing (32 bytes, base64: openssl rand -base64 32)');
  if (!e.SESSION_SECRET) problems.push('SESSION_SECRET is missing (at least 32 characters: openssl rand -base64 32)');
  if (!e.DATABASE_URL) problems.push('DATABASE_URL is missing (postgres://user:password@host:5432/intellisend)');
  if (!e.TEMPORAL_ADDRESS) problems.push('TEMPORAL_ADDRESS is missing (host:7233)');
  if (!e.PUBLIC_BASE_URL) {
    problems.push('PUBLIC_BASE_URL is missing (the https URL Twilio and browsers reach the app at)');
  } else {
    const url = new URL(e.PUBLIC_BASE_URL);
    const localHttp = url.protocol === 'http:' && loopbackHosts.has(url.hostname);
    if (url.protocol !== 'https:' && !localHttp) {
      problems.push('PUBLIC_BASE_URL must be https (plain http only for localhost / 127.0.0.1 / [::1])');
    }
  }
  return problems;
}

/** The secret values this process was configured with, so the logger can mask them wherever they appear. */
export function secretsOf(env: Env): string[] {
  return [env.ENCRYPTION_KEY, env.SESSION_SECRET, env.OPENAI_API_KEY, passwordOf(env.DATABASE_URL)].filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
}

function passwordOf(databaseUrl: string | undefined): string | undefined {
  if (!databaseUrl) return undefined;
  const password = new URL(databaseUrl).password;
  return password ? decodeURIComponent(password) : undefined;
}

/** For a process's entry point: the environment, or exit 1 with the message that says what is wrong. */
export function loadEnvOrExit(): Env {
  try {
    return loadEnv();
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

export function requireDatabaseUrl(env: Env): string {
  if (!env.DATABASE_URL) throw new EnvError('DATABASE_URL is not set (npm start sets it for the embedded database)');
  return env.DATABASE_URL;
}
