// HTTP and TCP checks against real loopback servers: up, down, wrong status, timeout.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHttpCheck } from '../../../src/probe/http.js';
import { runTcpCheck } from '../../../src/probe/tcp.js';
import type { HttpTrackerConfig, TcpTrackerConfig } from '../../../src/agent/track/types.js';

const common = { intervalMs: 1000, weight: 0, rise: 1, fall: 1 };
let http: HttpServer;
let httpPort: number;
/** HTTPS with a self-signed certificate (made by openssl for this run). */
let https: HttpServer;
let httpsPort: number;
const certDir = mkdtempSync(join(tmpdir(), 'floatd-tls-'));
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
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  https = createHttpsServer(
    { key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) },
    (req, res) => res.writeHead(200).end('ok'),
  );
  httpsPort = await listen(https);
  tcp = createTcpServer((socket) => socket.end());
  tcpPort = await listen(tcp);
  const probe = createTcpServer();
  closedPort = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  https.closeAllConnections();
  await new Promise((resolve) => https.close(resolve));
  rmSync(certDir, { recursive: true, force: true });
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

  it('https: a self-signed certificate fails by default and passes with tlsVerify false', async () => {
    const config = { ...httpConfig('/'), url: `https://127.0.0.1:${httpsPort}/` };
    const verified = await runHttpCheck(config);
    expect(verified.ok).toBe(false);
    expect(verified.detail).toMatch(/self[- ]signed/i);
    expect(await runHttpCheck({ ...config, tlsVerify: false })).toEqual({ ok: true });
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
