// The local status endpoint: GET /status (the agent's status as JSON) and GET /metrics
// (Prometheus text format). Loopback by default: it tells who is MASTER and why, nothing to
// change anything.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface StatusServerOptions {
  /** "127.0.0.1:9657" or "[::1]:9657". */
  readonly listen: string;
  readonly status: () => unknown;
  readonly registry: Registry;
  readonly logger: Logger;
}

export interface StatusServer {
  /** http://host:port */
  readonly url: string;
  close(): Promise<void>;
}

export function parseListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(':');
  const host = listen.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(listen.slice(at + 1)) };
}

export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const { host, port } = parseListen(options.listen);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/status') {
      // A status that cannot be built is this request's failure, never the agent's.
      let body: string;
      try {
        body = JSON.stringify(options.status(), null, 2);
      } catch (error) {
        options.logger.error({ err: error }, 'status failed');
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (error: unknown) => {
          options.logger.error({ err: error }, 'metrics collection failed');
          res.writeHead(500).end();
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('try /status or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
