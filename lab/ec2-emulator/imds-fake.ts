// An IMDSv2 fake for one host: PUT /latest/api/token then GETs with the token (EC2 user guide,
// "Use the Instance Metadata Service to access instance metadata"). setDown() stops listening
// (connection refused) and brings it back on the same port.

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ImdsInterface {
  readonly mac: string;
  readonly networkInterfaceId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  /** Primary first, as IMDS lists them. */
  readonly localIpv4s: readonly string[];
  readonly deviceNumber: number;
}

export interface ImdsFakeOptions {
  readonly host?: string;
  readonly port?: number;
  readonly instanceId: string;
  readonly region: string;
  readonly availabilityZone: string;
  /** A list, or a function read on every request (e.g. live from the EC2 emulator's state). */
  readonly interfaces: readonly ImdsInterface[] | (() => readonly ImdsInterface[]);
  /** Tokens live min(requested TTL, this); lets a test force early expiry. Default 21600. */
  readonly tokenTtlMaxS?: number;
  readonly nowMs?: () => number;
}

export interface ImdsRecordedRequest {
  readonly atMs: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface ImdsFake {
  readonly endpoint: string;
  readonly tokensIssued: number;
  readonly requests: readonly ImdsRecordedRequest[];
  readonly down: boolean;
  /** down: stop listening (connection refused); up: listen again on the same port. */
  setDown(down: boolean): Promise<void>;
  setInterfaces(interfaces: readonly ImdsInterface[] | (() => readonly ImdsInterface[])): void;
  close(): Promise<void>;
}

const maxTtlS = 21600;
const tokenTtlHeader = 'x-aws-ec2-metadata-token-ttl-seconds';

export async function createImdsFake(options: ImdsFakeOptions): Promise<ImdsFake> {
  const host = options.host ?? '127.0.0.1';
  const nowMs = options.nowMs ?? (() => performance.timeOrigin + performance.now());
  const tokens = new Map<string, number>(); // token → expiry, epoch ms
  const requests: ImdsRecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let interfaces = options.interfaces;
  let tokensIssued = 0;
  let down = false;
  let port = options.port ?? 0;
  let server: Server | undefined;

  const currentInterfaces = () => (typeof interfaces === 'function' ? interfaces() : interfaces);

  function metadata(path: string): string | undefined {
    const list = [...currentInterfaces()].sort((a, b) => a.deviceNumber - b.deviceNumber);
    const primary = list[0];
    const fixed: Record<string, string | undefined> = {
      'meta-data/': 'instance-id\nlocal-ipv4\nmac\nnetwork/\nplacement/',
      'meta-data/instance-id': options.instanceId,
      'meta-data/placement/': 'availability-zone\nregion',
      'meta-data/placement/region': options.region,
      'meta-data/placement/availability-zone': options.availabilityZone,
      'meta-data/mac': primary?.mac,
      'meta-data/local-ipv4': primary?.localIpv4s[0],
      'meta-data/network/': 'interfaces/',
      'meta-data/network/interfaces/': 'macs/',
      'meta-data/network/interfaces/macs/': list.map((i) => `${i.mac}/`).join('\n'),
      'dynamic/instance-identity/document': JSON.stringify(
        {
          accountId: '123456789012',
          architecture: 'x86_64',
          availabilityZone: options.availabilityZone,
          imageId: 'ami-0abcdef1234567890',
          instanceId: options.instanceId,
          instanceType: 't3.micro',
          pendingTime: '2026-01-01T00:00:00Z',
          privateIp: primary?.localIpv4s[0] ?? null,
          region: options.region,
          version: '2017-09-30',
        },
        null,
        2,
      ),
    };
    if (Object.hasOwn(fixed, path)) return fixed[path];
    const match = /^meta-data\/network\/interfaces\/macs\/([^/]+)\/(.*)$/.exec(path);
    const iface = match && list.find((i) => i.mac === match[1]);
    if (!match || !iface) return undefined;
    const perMac: Record<string, string> = {
      '': 'device-number\ninterface-id\nlocal-ipv4s\nmac\nsubnet-id\nvpc-id',
      'device-number': String(iface.deviceNumber),
      'interface-id': iface.networkInterfaceId,
      'local-ipv4s': iface.localIpv4s.join('\n'),
      mac: iface.mac,
      'subnet-id': iface.subnetId,
      'vpc-id': iface.vpcId,
    };
    return perMac[match[2] ?? ''];
  }

  function answer(req: IncomingMessage, res: ServerResponse, status: number, body: string) {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push({ atMs: nowMs(), method: req.method ?? '', path, status });
    const headers: Record<string, string | number> = {
      'content-type': 'text/plain',
      'content-length': Buffer.byteLength(body),
    };
    res.writeHead(status, headers);
    res.end(body);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'PUT' && path === '/latest/api/token') {
      // IMDSv2 refuses token requests that went through a proxy.
      if (req.headers['x-forwarded-for'] !== undefined) return answer(req, res, 403, 'Forbidden');
      const raw = req.headers[tokenTtlHeader];
      const ttlS = typeof raw === 'string' && /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
      if (!(ttlS >= 1 && ttlS <= maxTtlS)) return answer(req, res, 400, 'Bad Request');
      const token = randomBytes(42).toString('base64');
      const lifeS = Math.min(ttlS, options.tokenTtlMaxS ?? maxTtlS);
      tokens.set(token, nowMs() + lifeS * 1000);
      tokensIssued++;
      res.setHeader(tokenTtlHeader, String(lifeS));
      return answer(req, res, 200, token);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return answer(req, res, 405, 'Method Not Allowed');
    }
    const token = req.headers['x-aws-ec2-metadata-token'];
    const expiresAtMs = typeof token === 'string' ? tokens.get(token) : undefined;
    if (expiresAtMs === undefined || expiresAtMs <= nowMs()) {
      if (typeof token === 'string') tokens.delete(token);
      return answer(req, res, 401, 'Unauthorized');
    }
    const body = path.startsWith('/latest/') ? metadata(path.slice('/latest/'.length)) : undefined;
    if (body === undefined) return answer(req, res, 404, 'Not Found');
    return answer(req, res, 200, body);
  }

  async function listen(): Promise<void> {
    const s = createServer(handle);
    s.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => {
        s.off('error', reject);
        resolve();
      });
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  }

  async function stop(): Promise<void> {
    const s = server;
    server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  }

  await listen();
  const endpointHost = host.includes(':') ? `[${host}]` : host;
  return {
    endpoint: `http://${endpointHost}:${port}`,
    get tokensIssued() {
      return tokensIssued;
    },
    get down() {
      return down;
    },
    requests,
    async setDown(value: boolean) {
      if (value === down) return;
      down = value;
      if (value) await stop();
      else await listen();
    },
    setInterfaces(value) {
      interfaces = value;
    },
    close: stop,
  };
}
