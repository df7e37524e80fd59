// Test support for the browser API: the real app on a free port over a fresh database, and a tiny
// cookie-keeping HTTP client that signs in like the web app does. Used only by *.test.ts files.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp, type App, type AppDeps } from '../app.ts';
import { loadEnv, type Env } from '../../config/env.ts';
import type { Database } from '../../db/connection.ts';
import { createLogger } from '../../logging/logger.ts';
import { SecretBox } from '../../secrets/secret-box.ts';

export interface RunningApi {
  baseUrl: string;
  app: App;
  env: Env;
  close(): Promise<void>;
}

export async function listen(app: Pick<App, "app">): Promise<{ baseUrl: string; server: Server }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  return { baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
}

/** The app over `db`. Temporal is a lazy connection to `temporalAddress` (an unreachable one is fine). */
export async function startApi(
  db: Database,
  options: { temporalAddress: string; box?: SecretBox; appDeps?: Pick<AppDeps, 'serviceTitanEgress' | 'serviceTitanTestLimiter'> },
): Promise<RunningApi> {
  const env = loadEnv({
    NODE_ENV: 'test',
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    PUBLIC_BASE_URL: 'https://intellisend.test',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'silent',
  });
  const temporal = new Client({ connection: Connection.lazy({ address: env.TEMPORAL_ADDRESS }), namespace: env.TEMPORAL_NAMESPACE });
  const box = options.box ?? new SecretBox(env.ENCRYPTION_KEY);
  const app = createApp({ env, db, box, logger: createLogger('silent'), temporal, ...options.appDeps });
  const { baseUrl, server } = await listen(app);
  return {
    baseUrl,
    app,
    env,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      await temporal.connection.close();
    },
  };
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Keeps the session cookie across requests, like a browser on our origin. */
export class ApiClient {
  readonly baseUrl: string;
  cookie: string | null = null;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    for (const setCookie of res.headers.getSetCookie()) {
      const pair = setCookie.split(';')[0] ?? '';
      this.cookie = /=$/.test(pair) || /Expires=Thu, 01 Jan 1970/i.test(setCookie) ? null : pair;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }
  patch<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body);
  }

  async login(email: string, password: string): Promise<ApiResponse> {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }
}
