// The one way IntelliSend sends a request to a URL a tenant supplied. Before anything is sent the
// URL is judged by the policy; at connect time every address the host name resolves to is judged
// again, inside the socket's own `lookup`, so the address checked is the address connected to (a
// name that resolves to a public address for the check and to 127.0.0.1 for the connection cannot
// pass). Redirects are never followed: a 3xx is refused like any other disallowed target.
//
// Built on node:http / node:https (whose `lookup` request option reaches net.connect) because the
// `undici` package, whose Agent takes `connect: { lookup }`, is not installed; the decisions in
// egress-policy.ts do not depend on which client sends the bytes.
import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { decideAddresses, decideUrl, type EgressPolicy, type EgressTarget, type UrlDecision } from './egress-policy.ts';
import { EgressRefusedError } from './egress-refused-error.ts';

export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/** Host name → every address it resolves to. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface EgressRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** The part of fetch the guard offers: enough for JSON and form APIs. */
export type EgressFetch = (input: string | URL, init?: EgressRequestInit) => Promise<Response>;

export interface EgressGuardOptions {
  policy: EgressPolicy;
  /** Defaults to the operating system's resolver (dns.lookup, every address). Tests inject names. */
  resolve?: Resolver;
  /** Certificates trusted besides Node's own (tests' self-signed loopback listeners). */
  extraCa?: string | Buffer;
  /** Answers larger than this are cut off (default 5 MB): a hostile server cannot fill our memory. */
  maxResponseBytes?: number;
}

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });
const nullBodyStatuses = new Set([101, 204, 205, 304]);

class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
  readonly code = 'EGRESS_RESPONSE_TOO_LARGE';
}

export class EgressGuard {
  readonly policy: EgressPolicy;
  readonly #resolve: Resolver;
  readonly #maxResponseBytes: number;
  readonly #http: HttpAgent;
  readonly #https: HttpsAgent;

  constructor(options: EgressGuardOptions) {
    this.policy = options.policy;
    this.#resolve = options.resolve ?? systemResolver;
    this.#maxResponseBytes = options.maxResponseBytes ?? 5 * 1024 * 1024;
    this.#http = new HttpAgent({ keepAlive: true });
    this.#https = new HttpsAgent({
      keepAlive: true,
      ...(options.extraCa ? { ca: [...rootCertificates, options.extraCa.toString()] } : {}),
    });
  }

  /** Whether a configured URL (an API base, a token endpoint) may be used at all: for save-time checks. */
  checkBaseUrl(url: string | URL): UrlDecision {
    return decideUrl(this.policy, url, { base: true });
  }

  /** fetch, for URLs the policy allows; an EgressRefusedError otherwise, before any byte is sent. */
  readonly fetch: EgressFetch = (input, init = {}) => {
    const decision = decideUrl(this.policy, input, { base: false });
    if (!decision.ok) return Promise.reject(new EgressRefusedError(decision.refusal));
    return this.#send(decision.target, init);
  };

  /** Closes idle keep-alive connections. */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }

  /** net.connect's lookup for one target: every address judged, a single refused one refuses all. */
  #lookupFor(target: EgressTarget): LookupFunction {
    return (hostname, options, callback) => {
      this.#resolve(hostname).then(
        (resolved) => {
          const verdict = decideAddresses(target, resolved.map((a) => a.address));
          if (!verdict.ok) return callback(new EgressRefusedError(verdict.refusal), '', 0);
          const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
          const usable = family === 4 || family === 6 ? resolved.filter((a) => a.family === family) : resolved;
          const first = usable[0];
          if (!first) {
            const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
            return callback(error, '', 0);
          }
          if (options.all) return callback(null, usable);
          return callback(null, first.address, first.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 0),
      );
    };
  }

  #send(target: EgressTarget, init: EgressRequestInit): Promise<Response> {
    const { url } = target;
    const secure = url.protocol === 'https:';
    const { signal } = init;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
      const options = {
        hostname: target.hostname,
        port: target.port,
        path: `${url.pathname}${url.search}`,
        method: init.method ?? 'GET',
        headers,
        lookup: this.#lookupFor(target),
      };
      const req = secure
        ? // SNI carries names only (RFC 6066); the certificate is still checked against an IP literal.
          httpsRequest({ ...options, agent: this.#https, ...(isIP(target.hostname) ? {} : { servername: target.hostname }) }, onResponse)
        : httpRequest({ ...options, agent: this.#http }, onResponse);
      const onAbort = () => {
        req.destroy();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal?.removeEventListener('abort', onAbort);
      req.on('error', (error) => {
        settle();
        reject(error);
      });

      const maxBytes = this.#maxResponseBytes;
      function onResponse(res: IncomingMessage) {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          // Never followed, and the Location is not repeated: it may name an internal address.
          settle();
          res.resume();
          req.destroy();
          reject(new EgressRefusedError({ reason: 'redirect' }));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            settle();
            req.destroy();
            reject(new ResponseTooLargeError(`The answer is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => {
          settle();
          reject(error);
        });
        res.on('end', () => {
          settle();
          const answerHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) answerHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          try {
            const body = nullBodyStatuses.has(status) || options.method === 'HEAD' ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers: answerHeaders }));
          } catch (error) {
            reject(error);
          }
        });
      }

      req.end(init.body);
    });
  }
}
