// An HTTP or HTTPS listener on 127.0.0.1 that counts the connections it accepts: the egress tests'
// witness that a refused target was never even connected to. HTTPS uses the loopback test
// certificate (test/fixtures/loopback-tls), which a guard trusts through `extraCa: loopbackCa`.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../../config/env.ts';

const tlsDir = join(projectRoot, 'test', 'fixtures', 'loopback-tls');
export const loopbackCa = readFileSync(join(tlsDir, 'cert.pem'), 'utf8');
export const loopbackTls = { key: readFileSync(join(tlsDir, 'key.pem'), 'utf8'), cert: loopbackCa };

export interface LoopbackListener {
  port: number;
  /** `https://127.0.0.1:<port>` or `http://…`. */
  url: string;
  connections: number;
  requests: number;
  close(): Promise<void>;
}

export async function startLoopbackListener(
  options: { tls: boolean; handler?: (req: IncomingMessage, res: ServerResponse) => void },
): Promise<LoopbackListener> {
  const handler = options.handler ?? ((_req: IncomingMessage, res: ServerResponse) => res.end('ok'));
  const server: Server = options.tls ? createHttpsServer(loopbackTls, handler) : createHttpServer(handler);
  const listener = { port: 0, url: '', connections: 0, requests: 0 } as LoopbackListener;
  server.on('connection', () => listener.connections++);
  server.on('request', () => listener.requests++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  listener.port = (server.address() as AddressInfo).port;
  listener.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${listener.port}`;
  listener.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return listener;
}
