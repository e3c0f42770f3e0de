// Runs the VRRP transport INSIDE a lab host (raw sockets belong to the current network
// namespace): `ip netns exec NS node --import tsx socket-probe.ts MODE key=value...`.
// Prints one JSON object per line on stdout.
//   listen iface=eth0 families=ipv4,ipv6 [join=0] [stallMs=N]   until killed (SIGTERM prints
//          counters); stallMs blocks the event loop that long once ready, then prints 'turn'
//   send   iface=eth0 family=ipv4 plan='<SendPlan>'     sends, listens lingerMs, prints counters
//   inject iface=eth0 family=ipv4 packets='<Inject[]>'  crafted packets (bad TTL, checksum...)
//   flood  iface=eth0 count=N packet='<Inject>'         one IPv4 packet N times, as fast as it goes
import { Ipv4VrrpSocket } from '../../../src/agent/io/vrrp-socket-v4.js';
import { Ipv6VrrpSocket } from '../../../src/agent/io/vrrp-socket-v6.js';
import type { VrrpSocketBase } from '../../../src/agent/io/vrrp-socket-base.js';
import { readInterface } from '../../../src/agent/io/interface-info.js';
import type { InterfaceInfo } from '../../../src/agent/io/interface-info.js';
import { encodeIpv6Header } from '../../../src/agent/io/ipv6-header.js';
import { openRawSocket } from '../../../src/agent/io/raw-socket.js';
import * as so from '../../../src/agent/io/socket-options.js';
import {
  encodeIpv4Packet,
  encodeVrrpMessage,
  internetChecksum,
  VRRP_PROTOCOL,
} from '../../../src/agent/vrrp/codec/index.js';
import type {
  IpFamily,
  ReceivedAdvert,
  VrrpAdvert,
  VrrpAdvertV2,
  VrrpAdvertV3,
} from '../../../src/agent/vrrp/codec/index.js';

/** An advert as JSON: v2 authData as hex. */
export type AdvertJson =
  VrrpAdvertV3 | (Omit<VrrpAdvertV2, 'authData'> & { readonly authDataHex?: string });

export interface SendPlan {
  /** Default: the interface's primary IPv4 / link-local IPv6 address. */
  readonly src?: string;
  readonly sends: readonly { readonly advert: AdvertJson; readonly to: readonly string[] }[];
  readonly gapMs?: number;
  readonly lingerMs?: number;
  /** Then close the socket and send the first advert again: must fail cleanly. */
  readonly sendAfterClose?: boolean;
}

export interface Inject {
  readonly advert: AdvertJson;
  readonly src: string;
  readonly dst: string;
  readonly ttl?: number;
  readonly corrupt?: 'checksum' | 'truncate';
  /** Wait this long before sending it (default 30 ms). */
  readonly delayMs?: number;
  /** IPv4 options (hex, a multiple of 4 bytes) after the fixed header; the kernel sums it. */
  readonly ipOptionsHex?: string;
}

const print = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function fromJson(a: AdvertJson): VrrpAdvert {
  if (a.version !== 2) return a as VrrpAdvert;
  return { ...a, authData: Buffer.from(a.authDataHex ?? '0000000000000000', 'hex') } as VrrpAdvert;
}

function toJson(r: ReceivedAdvert): object {
  const { advert } = r;
  const json =
    advert.version === 2 ? { ...advert, authData: advert.authData.toString('hex') } : advert;
  return { ...r, advert: json };
}

function open(family: IpFamily, iface: InterfaceInfo, join: boolean): VrrpSocketBase {
  const opts = { iface, joinMulticast: join };
  const socket = family === 'ipv4' ? Ipv4VrrpSocket.open(opts) : Ipv6VrrpSocket.open(opts);
  socket.on('advert', (received) => print({ event: 'advert', family, ...toJson(received) }));
  socket.on('reject', (reason, detail, src) =>
    print({ event: 'reject', family, reason, detail, src }),
  );
  socket.on('error', (error) =>
    print({
      event: 'error',
      family,
      code: (error as { code?: string }).code,
      message: error.message,
    }),
  );
  return socket;
}

async function listen(args: Map<string, string>): Promise<void> {
  const iface = await readInterface(args.get('iface') ?? 'eth0');
  const families = (args.get('families') ?? 'ipv4').split(',') as IpFamily[];
  const sockets = families.map((f) => [f, open(f, iface, args.get('join') !== '0')] as const);
  process.once('SIGTERM', () => {
    for (const [family, socket] of sockets)
      print({ event: 'counters', family, ...socket.counters });
    for (const [, socket] of sockets) socket.close();
    process.exit(0);
  });
  print({ event: 'ready', iface });
  const stallMs = Number(args.get('stallMs') ?? 0);
  if (stallMs > 0) {
    // A busy event loop (startup work, GC): packets queue in the socket meanwhile. 'turn' fires
    // as the daemon's due Master_Down timer does (clock.ts): a timeout, then an immediate, which
    // runs after that loop turn's poll phase. Everything read before it shows as before 'turn'.
    // (An immediate set here directly could run before any poll, if the stall ended inside one.)
    print({ event: 'stall', untilMs: Date.now() + stallMs });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stallMs);
    setTimeout(() => setImmediate(() => print({ event: 'turn' })), 0);
  }
  await new Promise(() => undefined);
}

async function send(args: Map<string, string>): Promise<void> {
  const iface = await readInterface(args.get('iface') ?? 'eth0');
  const family = (args.get('family') ?? 'ipv4') as IpFamily;
  const plan = JSON.parse(args.get('plan') ?? '{}') as SendPlan;
  const socket = open(family, iface, true);
  const src = plan.src ?? (family === 'ipv4' ? iface.ipv4[0] : iface.ipv6LinkLocal) ?? '';
  print({ event: 'ready', iface });
  for (const { advert, to } of plan.sends) {
    socket.send(fromJson(advert), src, to);
    await sleep(plan.gapMs ?? 50);
  }
  await sleep(plan.lingerMs ?? 500);
  print({ event: 'counters', family, ...socket.counters });
  socket.close();
  const first = plan.sends[0];
  if (plan.sendAfterClose === true && first !== undefined) {
    socket.send(fromJson(first.advert), src, first.to);
    await sleep(50);
    print({ event: 'counters-after-close', family, ...socket.counters });
  }
}

function craft(family: IpFamily, p: Inject): Buffer {
  const advert = fromJson(p.advert);
  let header: Buffer;
  let msg: Buffer;
  if (family === 'ipv4') {
    const packet = encodeIpv4Packet(advert, p, { ttl: p.ttl ?? 255 });
    header = packet.subarray(0, 20);
    msg = packet.subarray(20);
  } else {
    msg = encodeVrrpMessage(advert, p);
    header = encodeIpv6Header({
      ...p,
      nextHeader: VRRP_PROTOCOL,
      payloadLength: msg.length,
      hopLimit: p.ttl ?? 255,
      trafficClass: 0xc0,
    });
  }
  if (family === 'ipv4' && p.ipOptionsHex !== undefined) {
    const options = Buffer.from(p.ipOptionsHex, 'hex');
    header = Buffer.concat([header, options]);
    header.writeUInt8(0x40 | (header.length / 4), 0);
    header.writeUInt16BE(header.length + msg.length, 2);
  }
  if (p.corrupt === 'checksum') msg.writeUInt16BE(msg.readUInt16BE(6) ^ 0x5a5a, 6);
  if (p.corrupt === 'truncate') {
    msg = msg.subarray(0, 4); // shorter than the 8-byte VRRP header
    if (family === 'ipv4') {
      header.writeUInt16BE(20 + msg.length, 2);
      header.writeUInt16BE(0, 10);
      header.writeUInt16BE(internetChecksum(header), 10);
    } else {
      header.writeUInt16BE(msg.length, 4);
    }
  }
  return Buffer.concat([header, msg]);
}

async function inject(args: Map<string, string>): Promise<void> {
  const iface = await readInterface(args.get('iface') ?? 'eth0');
  const family = (args.get('family') ?? 'ipv4') as IpFamily;
  const packets = JSON.parse(args.get('packets') ?? '[]') as Inject[];
  const raw = openRawSocket(family, VRRP_PROTOCOL, 4096);
  const v4 = family === 'ipv4';
  so.applyOptions(raw, [
    ['bind', so.SOL_SOCKET, so.SO_BINDTODEVICE, so.deviceName(iface.name)],
    v4
      ? ['hdrincl', so.IPPROTO_IP, so.IP_HDRINCL, 1]
      : ['hdrincl', so.IPPROTO_IPV6, so.IPV6_HDRINCL, 1],
    v4
      ? ['loop', so.IPPROTO_IP, so.IP_MULTICAST_LOOP, 0]
      : ['loop', so.IPPROTO_IPV6, so.IPV6_MULTICAST_LOOP, 0],
  ]);
  for (const p of packets) {
    await sleep(p.delayMs ?? 30);
    const packet = craft(family, p);
    const dst = !v4 && p.dst.startsWith('fe80:') ? `${p.dst}%${iface.name}` : p.dst;
    const error = await new Promise<Error | null | undefined>((resolve) =>
      raw.send(packet, 0, packet.length, dst, (e) => resolve(e)),
    );
    print({ event: 'injected', bytes: packet.length, atMs: Date.now(), error: error?.message });
  }
  raw.close();
}

/** raw-socket's native handle: a synchronous sendto (its queued send does one per loop turn). */
interface NativeSend {
  send(b: Buffer, offset: number, length: number, address: string, done: () => void): void;
}

async function flood(args: Map<string, string>): Promise<void> {
  const iface = await readInterface(args.get('iface') ?? 'eth0');
  const count = Number(args.get('count') ?? '1000');
  const p = JSON.parse(args.get('packet') ?? '{}') as Inject;
  const raw = openRawSocket('ipv4', VRRP_PROTOCOL, 4096);
  so.applyOptions(raw, [
    ['bind', so.SOL_SOCKET, so.SO_BINDTODEVICE, so.deviceName(iface.name)],
    ['hdrincl', so.IPPROTO_IP, so.IP_HDRINCL, 1],
    ['loop', so.IPPROTO_IP, so.IP_MULTICAST_LOOP, 0],
  ]);
  const packet = craft('ipv4', p);
  const native = (raw as unknown as { wrap: NativeSend }).wrap;
  const started = performance.now();
  let sent = 0;
  let blocked = 0;
  while (sent < count) {
    try {
      native.send(packet, 0, packet.length, p.dst, () => undefined);
      sent++;
    } catch {
      blocked++; // a full send buffer: let it drain
      await new Promise((r) => setImmediate(r));
    }
  }
  const ms = performance.now() - started;
  print({ event: 'flooded', sent, blocked, ms, perSecond: Math.round((sent * 1000) / ms) });
  raw.close();
}

const [mode, ...rest] = process.argv.slice(2);
const args = new Map(
  rest.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] as [string, string]),
);
const modes: Record<string, (a: Map<string, string>) => Promise<void>> = {
  listen,
  send,
  inject,
  flood,
};
const run = modes[mode ?? ''];
if (run === undefined) {
  console.error('usage: socket-probe.ts listen|send|inject|flood key=value...');
  process.exit(2);
}
run(args).then(
  () => process.exit(0),
  (error: unknown) => {
    print({ event: 'fatal', message: String((error as Error).stack ?? error) });
    process.exit(1);
  },
);
