// HTTP and TCP checks against real loopback servers: up, down, wrong status, timeout.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHttpCheck } from '../../../src/agent/track/http-check.js';
import { runTcpCheck } from '../../../src/agent/track/tcp-check.js';
import type { HttpTrackerConfig, TcpTrackerConfig } from '../../../src/agent/track/types.js';

const common = { intervalMs: 1000, weight: 0, rise: 1, fall: 1 };
let http: HttpServer;
let httpPort: number;
let tcp: Server;
let tcpPort: number;
/** A port nothing listens on: bound once, then closed. */
let closedPort: number;

function listen(server: HttpServer | Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  http = createHttpServer((req, res) => {
    if (req.url === '/health') res.writeHead(200).end('ok');
    else if (req.url === '/slow') {
      const timer = setTimeout(() => res.writeHead(200).end(), 3000);
      req.socket.once('close', () => clearTimeout(timer));
    } else res.writeHead(503).end('down');
  });
  httpPort = await listen(http);
  tcp = createTcpServer((socket) => socket.end());
  tcpPort = await listen(tcp);
  const probe = createTcpServer();
  closedPort = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  await new Promise((resolve) => tcp.close(resolve));
});

function httpConfig(path: string, port = httpPort, timeoutMs = 2000): HttpTrackerConfig {
  return {
    ...common,
    name: 'web',
    type: 'http',
    url: `http://127.0.0.1:${port}${path}`,
    expectStatus: 200,
    timeoutMs,
  };
}

describe('runHttpCheck', () => {
  it('succeeds on the expected status', async () => {
    expect(await runHttpCheck(httpConfig('/health'))).toEqual({ ok: true });
  });

  it('fails on another status and says which', async () => {
    expect(await runHttpCheck(httpConfig('/other'))).toEqual({
      ok: false,
      detail: 'status 503, expected 200',
    });
  });

  it('fails when nothing listens', async () => {
    const outcome = await runHttpCheck(httpConfig('/health', closedPort));
    expect(outcome.ok).toBe(false);
    expect(outcome.timedOut).toBeUndefined();
    expect(outcome.detail).toMatch(/ECONNREFUSED/);
  });

  it('times out on a slow server', async () => {
    expect(await runHttpCheck(httpConfig('/slow', httpPort, 200))).toMatchObject({
      ok: false,
      timedOut: true,
    });
  });
});

describe('runTcpCheck', () => {
  const tcpConfig = (port: number): TcpTrackerConfig => ({
    ...common,
    name: 'db',
    type: 'tcp',
    host: '127.0.0.1',
    port,
    timeoutMs: 2000,
  });

  it('succeeds when the port accepts', async () => {
    expect(await runTcpCheck(tcpConfig(tcpPort))).toEqual({ ok: true });
  });

  it('fails when the port is closed', async () => {
    const outcome = await runTcpCheck(tcpConfig(closedPort));
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/ECONNREFUSED/);
  });

  it('fails at once when aborted', async () => {
    const controller = new AbortController();
    const pending = runTcpCheck(tcpConfig(tcpPort), controller.signal);
    controller.abort();
    expect(await pending).toEqual({ ok: false, detail: 'aborted' });
  });
});
