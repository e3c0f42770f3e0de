// The EC2 Query API emulator over node:http: the real @aws-sdk/client-ec2 talks to it with
// `new EC2Client({ endpoint })`. Auth, dispatch, fault injection and the request record.

import { createServer } from 'node:http';
import { monotonicNowMs } from '../../src/cloud/timing.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Ec2ApiError } from './api-error.js';
import type { FaultCounts, FaultKind, FaultSettings } from './faults.js';
import { FaultInjector, faultErrors } from './faults.js';
import { actions } from './handlers/index.js';
import { EmulatorPrng } from './prng.js';
import { paramsRecord, parseQuery } from './query.js';
import { parseAuthorization, verifySignature } from './sigv4.js';
import { Ec2State } from './state.js';
import { renderError, renderResponse } from './xml.js';

export interface Ec2EmulatorOptions {
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly region?: string;
  /** access key id → secret access key. Without it any key is accepted unchecked. */
  readonly credentials?: Readonly<Record<string, string>>;
  /** Check SigV4 signatures of known keys (default true): a wrong secret → SignatureDoesNotMatch. */
  readonly verifySignatures?: boolean;
  readonly seed?: number;
  /** Epoch ms, high resolution; injectable so describe lag can be tested without sleeping. */
  readonly nowMs?: () => number;
}

export interface RecordedRequest {
  /** When the request arrived (epoch ms, high resolution). */
  readonly atMs: number;
  /** The same moment on the host's monotonic clock (comparable across processes). */
  readonly monoMs: number;
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  /** HTTP status; 0 when no answer was sent (timeout fault). */
  readonly status: number;
  readonly errorCode?: string;
  readonly fault?: FaultKind;
  /** Injected delay before the answer (latency and spike). */
  readonly delayMs: number;
  readonly accessKeyId: string;
  readonly remoteAddress: string;
  readonly requestId: string;
}

export interface Ec2Emulator {
  /** `http://host:port` */
  readonly endpoint: string;
  readonly region: string;
  readonly state: Ec2State;
  /** Mutable at run time. */
  readonly faults: FaultSettings;
  /** Faults injected so far, per action. */
  readonly faultCounts: Readonly<Record<string, FaultCounts>>;
  readonly requests: readonly RecordedRequest[];
  setFaults(settings: Partial<FaultSettings>): void;
  resetFaults(): void;
  clearRequests(): void;
  close(): Promise<void>;
}

const maxBodyBytes = 1 << 20;

const authMessages = {
  missing:
    'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.',
  unknown: 'AWS was not able to validate the provided access credentials',
  signature:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
};

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBodyBytes ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function createEc2Emulator(options: Ec2EmulatorOptions = {}): Promise<Ec2Emulator> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const seed = options.seed ?? 1;
  const nowMs = options.nowMs ?? (() => performance.timeOrigin + performance.now());
  const verifySignatures = options.verifySignatures ?? true;
  // Separate streams: turning faults on does not change the ids a seed produces.
  const requestIdRng = new EmulatorPrng(seed + 0x5bd1e995);
  const injector = new FaultInjector(new EmulatorPrng(seed + 0x27d4eb2f));
  const state = new Ec2State({
    region,
    rng: new EmulatorPrng(seed),
    nowMs,
    retentionMs: () => injector.settings.describeLagMs,
  });
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const newRequestId = () => {
    const h = requestIdRng.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const atMs = nowMs();
    const monoMs = monotonicNowMs();
    const requestId = newRequestId();
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const params = parseQuery(url.search.slice(1), body?.toString('utf8') ?? '');
    const action = params.get('Action') ?? '';
    const auth = parseAuthorization(req.headers.authorization);
    const base = {
      atMs,
      monoMs,
      action,
      params: paramsRecord(params),
      accessKeyId: auth?.accessKeyId ?? '',
      remoteAddress: req.socket.remoteAddress ?? '',
      requestId,
    };

    const send = (status: number, xml: string, delayMs: number) => {
      const write = () => {
        if (res.destroyed) return;
        res.writeHead(status, {
          'content-type': 'text/xml;charset=UTF-8',
          'content-length': Buffer.byteLength(xml),
          'x-amzn-requestid': requestId,
        });
        res.end(xml);
      };
      if (delayMs <= 0) return write();
      const timer = setTimeout(() => {
        timers.delete(timer);
        write();
      }, delayMs);
      timers.add(timer);
    };
    const fail = (
      status: number,
      code: string,
      message: string,
      delayMs = 0,
      fault?: FaultKind,
    ) => {
      requests.push({ ...base, status, errorCode: code, delayMs, ...(fault ? { fault } : {}) });
      send(status, renderError(code, message, requestId), delayMs);
    };

    if (body === undefined) return fail(413, 'RequestEntityTooLarge', 'Request body too large');
    if (options.credentials) {
      if (!auth) return fail(401, 'MissingAuthenticationToken', authMessages.missing);
      const secret = options.credentials[auth.accessKeyId];
      if (secret === undefined) return fail(401, 'AuthFailure', authMessages.unknown);
      const signed = {
        method: req.method ?? 'POST',
        url: req.url ?? '/',
        headers: req.headers,
        body,
      };
      if (verifySignatures && !verifySignature(signed, auth, secret)) {
        return fail(403, 'SignatureDoesNotMatch', authMessages.signature);
      }
    }
    if (action === '')
      return fail(400, 'MissingAction', 'The request must contain the parameter Action');
    const spec = actions.get(action);
    if (!spec)
      return fail(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);

    const decision = injector.decide(action);
    const fault: FaultKind | undefined = decision.error ?? (decision.spiked ? 'spike' : undefined);
    const run = () =>
      spec.handler({
        params,
        state,
        region,
        view: spec.describe
          ? state.viewAt(nowMs() - injector.describeLagMs(action))
          : state.current,
      });

    if (decision.error === 'timeout') {
      // Accept and never answer; close() destroys the socket if the client does not.
      if (injector.settings.timeoutAfterApply && !spec.describe) {
        try {
          run();
        } catch {
          // The client never learns the outcome either way.
        }
      }
      requests.push({ ...base, status: 0, delayMs: decision.delayMs, fault: 'timeout' });
      return;
    }
    if (decision.error) {
      const { status, code, message } = faultErrors[decision.error];
      return fail(status, code, message, decision.delayMs, decision.error);
    }
    try {
      const xml = renderResponse(action, requestId, run());
      requests.push({
        ...base,
        status: 200,
        delayMs: decision.delayMs,
        ...(fault ? { fault } : {}),
      });
      send(200, xml, decision.delayMs);
    } catch (error) {
      if (error instanceof Ec2ApiError) {
        return fail(error.httpStatus, error.code, error.message, decision.delayMs, fault);
      }
      const message = error instanceof Error ? error.message : String(error);
      return fail(500, 'InternalError', `An internal error has occurred: ${message}`, 0);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpointHost = host.includes(':') ? `[${host}]` : host;

  return {
    endpoint: `http://${endpointHost}:${port}`,
    region,
    state,
    faults: injector.settings,
    faultCounts: injector.counts,
    requests,
    setFaults: (settings) => Object.assign(injector.settings, settings),
    resetFaults: () => injector.reset(),
    clearRequests: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
