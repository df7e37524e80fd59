// A protocol-faithful fake of ServiceTitan on 127.0.0.1: the token endpoint (/connect/token) and
// the CRM v2 API (/crm/v2/tenant/{tenant}/…) on one origin, with fault injection for tests.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { authorizeApiCall } from './api-auth.ts';
import type { ApiRoute } from './api-route.ts';
import { bookingRoutes } from './booking-routes.ts';
import {
  FakeServiceTitanState,
  defaultScopes,
  type FakeCustomer,
  type FakeCustomerInit,
  type FakeTenant,
  type FakeTenantInit,
  type LoggedRequest,
  type StoredBooking,
} from './fake-state.ts';
import { FaultInjector, type FaultKind } from './faults.ts';
import { serviceTitanSchemas } from './openapi-schemas.ts';
import { json, problem, type Reply } from './reply.ts';
import { tagAndCustomerRoutes } from './tag-and-customer-routes.ts';
import { handleTokenRequest } from './token-endpoint.ts';

export interface FakeServiceTitanOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  appKey?: string;
  /** expires_in of issued tokens; ServiceTitan's is 900. */
  tokenLifetimeSeconds?: number;
  latencyMs?: number;
  tenants?: FakeTenantInit[];
  /** Serve HTTPS with this key and certificate (production-mode egress tests); plain HTTP without. */
  tls?: { key: string; cert: string };
}

const routes: ApiRoute[] = [...bookingRoutes, ...tagAndCustomerRoutes];
const apiPath = /^\/crm\/v2\/tenant\/([^/]+)(\/.*)$/;
const maxBodyBytes = 1_000_000;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function faultReply(kind: '500' | '503' | '429', retryAfterSeconds: number): Reply {
  if (kind === '429') {
    return problem(429, 'Too Many Requests', {}, { 'retry-after': String(retryAfterSeconds) });
  }
  if (kind === '503') return problem(503, 'Service Unavailable', {}, { 'retry-after': String(retryAfterSeconds) });
  return problem(500, 'An unexpected error occurred.');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FakeServiceTitan {
  readonly state = new FakeServiceTitanState();
  readonly faults = new FaultInjector();
  appKey: string;
  tokenLifetimeSeconds: number;
  latencyMs: number;
  url = '';
  readonly #server: Server;
  readonly #schemas = serviceTitanSchemas();
  #bookingsFailure: Reply | undefined;

  constructor(options: FakeServiceTitanOptions = {}) {
    this.appKey = options.appKey ?? 'fake-st-app-key-0001';
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 900;
    this.latencyMs = options.latencyMs ?? 0;
    for (const tenant of options.tenants ?? []) this.addTenant(tenant);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    };
    this.#server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);
  }

  /** The token endpoint to configure as `authUrl`. */
  get authUrl(): string {
    return `${this.url}/connect/token`;
  }

  get requests(): LoggedRequest[] {
    return this.state.requests;
  }

  get tokenRequests(): number {
    return this.state.tokenRequests;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<this> {
    this.#server.listen(port, host);
    await once(this.#server, 'listening');
    const address = this.#server.address() as AddressInfo;
    this.url = `${this.#server instanceof TlsServer ? 'https' : 'http'}://${host}:${address.port}`;
    return this;
  }

  /** Also ends held ("timeout") requests and keep-alive connections, so nothing outlives the fake. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  addTenant(init: FakeTenantInit): FakeTenant {
    if (!/^\d+$/.test(init.tenantId)) throw new Error('ServiceTitan tenant ids are integers');
    const now = new Date().toISOString();
    const tenant: FakeTenant = {
      tenantId: init.tenantId,
      clientId: init.clientId,
      clientSecret: init.clientSecret,
      scopes: [...(init.scopes ?? defaultScopes)],
      tags: (init.bookingProviderTags ?? []).map((t) => ({
        id: t.id,
        tagName: t.name,
        description: '',
        type: 'V2Api',
        createdOn: now,
        modifiedOn: now,
        active: true,
      })),
    };
    this.state.tenants.set(tenant.tenantId, tenant);
    return tenant;
  }

  addCustomer(init: FakeCustomerInit): FakeCustomer {
    const tenantId = init.tenantId ?? this.state.tenants.keys().next().value;
    if (tenantId === undefined) throw new Error('add a tenant before its customers');
    const customer: FakeCustomer = {
      id: this.state.nextCustomerId++,
      tenantId,
      name: init.name,
      phone: init.phone,
      active: init.active ?? true,
      createdOn: new Date().toISOString(),
    };
    this.state.customers.push(customer);
    return customer;
  }

  /** Every booking created for the tenant, across booking providers, oldest first. */
  bookings(tenantId: string): StoredBooking[] {
    return this.state.bookings.filter((b) => b.tenantId === tenantId);
  }

  /** Every booking create answers `status` with `body` (default: an RFC 7807 validation body) until cleared with null. */
  setBookingsFailWith(status: number | null, body?: unknown): void {
    if (status === null) {
      this.#bookingsFailure = undefined;
      return;
    }
    this.#bookingsFailure =
      body === undefined
        ? problem(status, 'One or more validation errors occurred.', { summary: ['The booking was rejected.'] })
        : json(body, status);
  }

  /** Makes every issued token expired, as if 900 s had passed. */
  expireTokens(): void {
    for (const token of this.state.tokens.values()) token.expiresAt = 0;
  }

  /** Forgets bookings, tokens, logs, faults, latency and forced failures; keeps tenants and customers. */
  reset(): void {
    this.state.resetActivity();
    this.faults.clear();
    this.latencyMs = 0;
    this.#bookingsFailure = undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      query: url.search,
      status: 0,
      answered: false,
      at: new Date().toISOString(),
    };
    this.state.requests.push(entry);
    const bodyText = await readBody(req);

    let reply: Reply;
    let fault: FaultKind | undefined;
    const api = apiPath.exec(url.pathname);
    if (url.pathname === '/connect/token') {
      reply =
        method === 'POST'
          ? handleTokenRequest(this.state, bodyText, req.headers, this.tokenLifetimeSeconds)
          : { status: 405, headers: { allow: 'POST' } };
    } else if (api) {
      const [, tenantId = '', rest = ''] = api;
      const route = routes.find((r) => r.method === method && r.pattern.test(rest));
      if (!route) {
        reply = problem(404, 'Not Found');
      } else {
        fault = this.faults.pick(route.isCreate === true);
        entry.fault = fault;
        if (fault === 'timeout') {
          // Held: never answered. The client's timeout ends it, or close() does.
          return;
        }
        if (fault === '500' || fault === '503' || fault === '429') {
          reply = faultReply(fault, this.faults.retryAfterSeconds);
        } else {
          const auth = authorizeApiCall(this.state, this.appKey, req.headers, tenantId, route.scope);
          reply = auth.ok
            ? route.handle({
                state: this.state,
                tenant: auth.tenant,
                params: route.pattern.exec(rest)?.groups ?? {},
                query: url.searchParams,
                bodyText,
                bookingsFailure: this.#bookingsFailure,
                schemas: this.#schemas,
              })
            : auth.reply;
        }
      }
    } else {
      reply = { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
    }

    entry.status = reply.status;
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (fault === 'lostAnswer') {
      // The work is done; the answer never arrives.
      req.socket.destroy();
      return;
    }
    const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(payload);
    entry.answered = true;
  }
}

export async function startFakeServiceTitan(options: FakeServiceTitanOptions = {}): Promise<FakeServiceTitan> {
  return new FakeServiceTitan(options).listen(options.port ?? 0, options.host ?? '127.0.0.1');
}
