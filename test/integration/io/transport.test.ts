// The raw-socket VRRP transport on a real segment: three lab hosts, the socket code running
// INSIDE each host (raw sockets belong to a network namespace) via socket-probe.ts, tcpdump on
// the receiver to compare our packets with keepalived 2.2.7's captures.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';
import type { TestContext } from 'vitest';

import type { AdvertSocket } from '../../../src/agent/daemon/ports.js';
import { readInterface } from '../../../src/agent/io/interface-info.js';
import type { InterfaceInfo } from '../../../src/agent/io/interface-info.js';
import type { Ipv4VrrpSocket } from '../../../src/agent/io/vrrp-socket-v4.js';
import type { Ipv6VrrpSocket } from '../../../src/agent/io/vrrp-socket-v6.js';
import {
  encodeVrrpMessage,
  internetChecksum,
  parseIp,
} from '../../../src/agent/vrrp/codec/index.js';
import type { VrrpAdvert } from '../../../src/agent/vrrp/codec/index.js';
import { classifyFrame, readPcap } from '../../helpers/pcap.js';
import { Lab } from '../../lab/lab.js';
import type { LabHost } from '../../lab/lab.js';
import type { LabProcess } from '../../lab/lab-process.js';
import { requireLab } from '../../lab/require-lab.js';
import type { AdvertJson, Inject, SendPlan } from './socket-probe.js';

// Both sockets are what the daemon's port expects (compile-time check).
const _fits = (s: Ipv4VrrpSocket | Ipv6VrrpSocket): AdvertSocket => s;
void _fits;

const here = path.dirname(fileURLToPath(import.meta.url));
const PROBE = path.join(here, 'socket-probe.ts');
const VECTORS = path.resolve(here, '../../../../shared/vectors/keepalived-2.2.7');

// The captures' advert: 10.99.0.1 -> 224.0.0.18 / 10.99.0.2, vrid 51, prio 150, VIP .100.
const SUBNET = '10.99.0';
const V2: AdvertJson = {
  version: 2,
  family: 'ipv4',
  vrid: 51,
  priority: 150,
  advertIntervalSec: 1,
  authType: 0,
  authDataHex: '0000000000000000',
  addresses: [`${SUBNET}.100`],
};
const V3: AdvertJson = {
  version: 3,
  family: 'ipv4',
  vrid: 51,
  priority: 150,
  maxAdvertIntervalCs: 100,
  addresses: [`${SUBNET}.100`],
};
const V3_IPV6: AdvertJson = {
  version: 3,
  family: 'ipv6',
  vrid: 52,
  priority: 150,
  maxAdvertIntervalCs: 100,
  addresses: ['fd00:99::100'],
};

interface ProbeEvent {
  readonly event: string;
  readonly family?: string;
  readonly reason?: string;
  readonly code?: string;
  readonly error?: string;
  readonly src?: string;
  readonly dst?: string;
  readonly ttl?: number;
  readonly checksum?: number;
  readonly advert?: Record<string, unknown>;
  readonly iface?: InterfaceInfo;
  readonly sent?: number;
  readonly sendErrors?: number;
  readonly received?: number;
  readonly rejected?: Record<string, number>;
  /** 'injected': when it was sent; 'stall': when the blocked loop resumes (wall-clock ms). */
  readonly atMs?: number;
  readonly untilMs?: number;
}

interface Env {
  readonly h1: LabHost;
  readonly h2: LabHost;
  readonly h3: LabHost;
  /** Listeners (IPv4 + IPv6 sockets, multicast joined) on h2 and h3. */
  readonly l2: LabProcess;
  readonly l3: LabProcess;
  /** Link-local address per host index. */
  readonly linkLocal: readonly string[];
  readonly dir: string;
}

let lab: Lab | undefined;
let dir: string | undefined;
let shared: Promise<Env> | undefined;

afterAll(async () => {
  await lab?.destroy();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function env(ctx: TestContext): Promise<Env> {
  requireLab(ctx);
  shared ??= setUp();
  return shared;
}

async function setUp(): Promise<Env> {
  dir = await mkdtemp(path.join(tmpdir(), 'floatd-io-'));
  lab = await Lab.create({ hosts: 3, subnet: SUBNET });
  const [h1, h2, h3] = [lab.host(1), lab.host(2), lab.host(3)];
  for (const h of lab.hosts) {
    await h.exec('ip', ['addr', 'add', `fd00:99::${h.index}/64`, 'dev', 'eth0', 'nodad']);
  }
  // Linux drops a packet claiming one of our own addresses as its source (martian) unless
  // accept_local is set; with it, such a packet reaches the socket, which must reject it.
  await h2.exec('sysctl', ['-qw', 'net.ipv4.conf.all.accept_local=1']);
  await h2.exec('sysctl', ['-qw', 'net.ipv4.conf.eth0.accept_local=1']);
  const l2 = probe(h2, 'listen', { iface: 'eth0', families: 'ipv4,ipv6' });
  const l3 = probe(h3, 'listen', { iface: 'eth0', families: 'ipv4,ipv6' });
  const linkLocal = ['', ...(await Promise.all(lab.hosts.map(settledLinkLocal)))];
  await Promise.all([l2, l3].map((l) => waitForEvents(l, (e) => e.event === 'ready', 1)));
  return { h1, h2, h3, l2, l3, linkLocal, dir };
}

/** The host's link-local once DAD is done (a tentative address receives nothing). */
async function settledLinkLocal(host: LabHost): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { stdout } = await host.exec('ip', ['-j', '-6', 'addr', 'show', 'dev', 'eth0']);
    const [link] = JSON.parse(stdout) as {
      addr_info: { local: string; scope: string; tentative?: boolean }[];
    }[];
    const ll = link?.addr_info.find((a) => a.scope === 'link' && a.tentative !== true);
    if (ll !== undefined) return ll.local;
    if (Date.now() > deadline) throw new Error(`${host.name}: link-local still tentative`);
    await sleep(100);
  }
}

function probe(host: LabHost, mode: string, args: Record<string, unknown>): LabProcess {
  const argv = Object.entries(args).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  return host.spawn('node', ['--import', 'tsx', PROBE, mode, ...argv]);
}

function eventsOf(proc: LabProcess): ProbeEvent[] {
  return proc
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ProbeEvent);
}

async function waitForEvents(
  proc: LabProcess,
  match: (e: ProbeEvent) => boolean,
  count: number,
  timeoutMs = 10_000,
): Promise<ProbeEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = eventsOf(proc).filter(match);
    if (found.length >= count) return found;
    if (!proc.running || Date.now() > deadline) {
      throw new Error(`${proc.label}: ${found.length}/${count} events:\n${proc.output()}`);
    }
    await sleep(20);
  }
}

/** Run a probe that exits by itself; its events. */
async function runProbe(host: LabHost, mode: string, args: Record<string, unknown>) {
  const proc = probe(host, mode, args);
  const timer = setTimeout(() => void proc.kill('SIGKILL'), 20_000);
  const code = await proc.exited;
  clearTimeout(timer);
  expect(code, proc.output()).toBe(0);
  return eventsOf(proc);
}

/** tcpdump on `host`, ready to capture `count` packets matching `filter`. */
async function capture(host: LabHost, file: string, count: number, filter: string) {
  const proc = host.spawn('tcpdump', [
    ...['-i', 'eth0', '-n', '-U', '-Z', 'root', '-c', String(count), '-w', file, filter],
  ]);
  await proc.waitForOutput(/listening on/);
  return {
    async frames(): Promise<Buffer[]> {
      const timer = setTimeout(() => void proc.kill(), 10_000);
      await proc.exited;
      clearTimeout(timer);
      const pcap = readPcap(await readFile(file));
      return pcap.records.map((r) => r.data);
    },
  };
}

function advertOf(json: AdvertJson): VrrpAdvert {
  if (json.version !== 2) return json as VrrpAdvert;
  return { ...json, authData: Buffer.from(json.authDataHex ?? '', 'hex') } as VrrpAdvert;
}

/** The VRRP checksum the codec computes for `json` from `src` to `dst`. */
function checksumFor(json: AdvertJson, src: string, dst: string): number {
  return encodeVrrpMessage(advertOf(json), { src, dst }).readUInt16BE(6);
}

/** The IPv4 packet inside an Ethernet frame, link-layer padding cut off. */
function ipv4Of(frame: Buffer): Buffer {
  const f = classifyFrame(1, frame);
  if (f.kind !== 'ipv4') throw new Error(`not IPv4: ${f.kind}`);
  return f.packet.subarray(0, f.packet.readUInt16BE(2));
}

/** keepalived's first VRRP packet in a capture. */
async function keepalivedPacket(file: string): Promise<Buffer> {
  const pcap = readPcap(await readFile(path.join(VECTORS, file)));
  for (const r of pcap.records) {
    const f = classifyFrame(pcap.linkType, r.data);
    if (f.kind === 'ipv4' && f.packet.readUInt8(9) === 112) {
      return f.packet.subarray(0, f.packet.readUInt16BE(2));
    }
  }
  throw new Error(`${file}: no VRRP packet`);
}

/** `ours` with keepalived's IP id (keepalived counts from 1; our kernel picks one). */
function withId(ours: Buffer, id: number): Buffer {
  const copy = Buffer.from(ours);
  copy.writeUInt16BE(id, 4);
  copy.writeUInt16BE(0, 10);
  copy.writeUInt16BE(internetChecksum(copy.subarray(0, 20)), 10);
  return copy;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isAdvertFrom = (family: string, src: string) => (e: ProbeEvent) =>
  e.event === 'advert' && e.family === family && e.src === src;

describe('raw-socket VRRP transport', () => {
  it('reads interfaces inside the host and rejects a missing one', async (ctx) => {
    const { h2, l2, linkLocal } = await env(ctx);
    const iface = eventsOf(l2).find((e) => e.event === 'ready')?.iface;
    expect(iface).toMatchObject({
      name: 'eth0',
      mac: await h2.mac(),
      up: true,
      ipv4: [h2.ip],
      ipv6LinkLocal: linkLocal[2],
      ipv6: ['fd00:99::2'],
    });
    expect(iface?.index).toBeGreaterThan(1);
    await expect(readInterface('floatd-none0')).rejects.toMatchObject({
      code: 'FLOATD_ERR_NO_INTERFACE',
    });
    await expect(readInterface('bad/name')).rejects.toMatchObject({
      code: 'FLOATD_ERR_NO_INTERFACE',
    });
  });

  it('sends v2 and v3 over IPv4, multicast and unicast, exactly as keepalived', async (ctx) => {
    const { h1, h2, l2, l3, dir } = await env(ctx);
    const cap = await capture(h2, path.join(dir, 'v4.pcap'), 4, 'ip proto 112');
    const plan: SendPlan = {
      sends: [
        { advert: V2, to: ['224.0.0.18'] },
        { advert: V3, to: ['224.0.0.18'] },
        { advert: V2, to: [h2.ip] },
        { advert: V3, to: [h2.ip, 'not-an-address'] },
      ],
      lingerMs: 400,
      sendAfterClose: true,
    };
    const sender = await runProbe(h1, 'send', { iface: 'eth0', family: 'ipv4', plan });

    // One packet per good destination; the bad one is an error event, not an exception.
    const counters = sender.find((e) => e.event === 'counters');
    expect(counters).toMatchObject({ sent: 4, sendErrors: 1, received: 0 });
    // Loop is off: our own multicast never comes back to us.
    expect(counters?.rejected?.['own-packet']).toBe(0);
    expect(sender.filter((e) => e.event === 'error').map((e) => e.code)).toEqual([
      'FLOATD_ERR_VRRP_SEND',
      'FLOATD_ERR_VRRP_SEND',
    ]);
    // After close(), send fails cleanly (raw-socket would otherwise open a new fd).
    expect(sender.find((e) => e.event === 'counters-after-close')).toMatchObject({
      sent: 4,
      sendErrors: 2,
    });

    const got = await waitForEvents(l2, isAdvertFrom('ipv4', h1.ip), 4);
    const { authDataHex, ...v2Fields } = V2;
    const v2Advert = { ...v2Fields, authData: authDataHex };
    expect(got.map((e) => [e.dst, e.ttl, e.advert])).toEqual([
      ['224.0.0.18', 255, v2Advert],
      ['224.0.0.18', 255, V3],
      [h2.ip, 255, v2Advert],
      [h2.ip, 255, V3],
    ]);
    // v3's checksum covers the destination (RFC 5798 §5.2.8): one per destination.
    const v3Multicast = checksumFor(V3, h1.ip, '224.0.0.18');
    const v3Unicast = checksumFor(V3, h1.ip, h2.ip);
    expect(v3Unicast).not.toBe(v3Multicast);
    expect(got.map((e) => e.checksum)).toEqual([
      checksumFor(V2, h1.ip, '224.0.0.18'),
      v3Multicast,
      checksumFor(V2, h1.ip, h2.ip),
      v3Unicast,
    ]);

    // A third host hears the multicast adverts, and only those.
    const third = await waitForEvents(l3, isAdvertFrom('ipv4', h1.ip), 2);
    await sleep(200);
    expect(eventsOf(l3).filter(isAdvertFrom('ipv4', h1.ip))).toHaveLength(2);
    expect(third.map((e) => e.dst)).toEqual(['224.0.0.18', '224.0.0.18']);

    // On the wire: byte for byte keepalived's packet, but for the IP id the kernel chose.
    const packets = (await cap.frames()).map(ipv4Of);
    const captures = ['v2-mcast-term', 'v3-mcast-term', 'v2-ucast-term', 'v3-ucast-term'];
    expect(packets).toHaveLength(4);
    for (const [i, name] of captures.entries()) {
      const ours = packets[i] as Buffer;
      const theirs = await keepalivedPacket(`${name}.pcap`);
      expect([ours.readUInt8(1), ours.readUInt8(8), ours.readUInt8(9)]).toEqual([0xc0, 255, 112]);
      expect(ours.length).toBe(i % 2 === 0 ? 40 : 32);
      expect(withId(ours, theirs.readUInt16BE(4)).toString('hex'), name).toBe(
        theirs.toString('hex'),
      );
    }
  });

  it('rejects bad IPv4 packets from another host by reason', async (ctx) => {
    const { h2, h3, l2 } = await env(ctx);
    const to = (p: Partial<Inject>): Inject => ({
      advert: V3,
      src: h3.ip,
      dst: '224.0.0.18',
      ...p,
    });
    const packets = [
      to({ ttl: 64 }),
      to({ corrupt: 'checksum' }),
      to({ corrupt: 'truncate' }),
      to({ src: h2.ip }), // claims to be h2 itself
    ];
    const injected = await runProbe(h3, 'inject', { iface: 'eth0', family: 'ipv4', packets });
    expect(injected.filter((e) => e.event === 'injected' && e.error === undefined)).toHaveLength(4);

    const rejects = await waitForEvents(l2, (e) => e.event === 'reject' && e.family === 'ipv4', 4);
    expect(rejects.map((e) => [e.reason, e.src])).toEqual([
      ['bad-ttl', h3.ip],
      ['bad-checksum', h3.ip],
      ['truncated', h3.ip],
      ['own-packet', h2.ip],
    ]);
    expect(eventsOf(l2).filter(isAdvertFrom('ipv4', h3.ip))).toEqual([]);
  });

  it('reads every advert queued while its event loop was blocked before the next loop turn', async (ctx) => {
    // raw-socket alone reads one packet per loop turn: a BACKUP stalled past its Master_Down
    // timer would fire it on the oldest advert while the live MASTER's newer ones still wait.
    const { h1, h3 } = await env(ctx);
    const stalled = probe(h1, 'listen', { iface: 'eth0', families: 'ipv4', stallMs: 6000 });
    try {
      const [stall] = await waitForEvents(stalled, (e) => e.event === 'stall', 1);
      const packets = [0, 1, 2, 3, 4].map((i): Inject => ({
        advert: { ...V3, priority: 100 + i },
        src: h3.ip,
        dst: '224.0.0.18',
        delayMs: 20,
      }));
      const injected = await runProbe(h3, 'inject', { iface: 'eth0', family: 'ipv4', packets });
      const sentAt = injected.filter((e) => e.event === 'injected').map((e) => e.atMs ?? Infinity);
      expect(sentAt).toHaveLength(5);
      // Inconclusive unless every packet arrived while the loop was blocked.
      expect(Math.max(...sentAt), stalled.output()).toBeLessThan(stall?.untilMs ?? 0);
      await waitForEvents(stalled, (e) => e.event === 'turn', 1);
      const order = eventsOf(stalled)
        .filter((e) => e.event === 'turn' || isAdvertFrom('ipv4', h3.ip)(e))
        .map((e) => (e.event === 'turn' ? 'turn' : e.advert?.priority));
      expect(order).toEqual([100, 101, 102, 103, 104, 'turn']);
    } finally {
      await stalled.kill();
    }
  });

  it('sends v3 over IPv6 from the link-local address, multicast and unicast', async (ctx) => {
    const { h1, h2, l2, l3, linkLocal, dir } = await env(ctx);
    const [ll1, ll2] = [linkLocal[1] as string, linkLocal[2] as string];
    const cap = await capture(h2, path.join(dir, 'v6.pcap'), 3, 'ip6 proto 112');
    const destinations = ['ff02::12', ll2, 'fd00:99::2'];
    const plan: SendPlan = {
      sends: [
        { advert: V3_IPV6, to: destinations },
        { advert: V2, to: ['ff02::12'] }, // VRRPv2 is IPv4 only: an error event
      ],
      lingerMs: 400,
    };
    const sender = await runProbe(h1, 'send', { iface: 'eth0', family: 'ipv6', plan });
    const counters = sender.find((e) => e.event === 'counters');
    expect(counters).toMatchObject({ sent: 3, sendErrors: 1, received: 0 });
    expect(counters?.rejected?.['own-packet']).toBe(0);

    const got = await waitForEvents(l2, isAdvertFrom('ipv6', ll1), 3);
    expect(got.map((e) => [e.dst, e.advert])).toEqual(destinations.map((d) => [d, V3_IPV6]));
    const checksums = destinations.map((d) => checksumFor(V3_IPV6, ll1, d));
    expect(new Set(checksums).size).toBe(3);
    expect(got.map((e) => e.checksum)).toEqual(checksums);

    const third = await waitForEvents(l3, isAdvertFrom('ipv6', ll1), 1);
    await sleep(200);
    expect(eventsOf(l3).filter(isAdvertFrom('ipv6', ll1))).toHaveLength(1);
    expect(third[0]?.dst).toBe('ff02::12');

    // keepalived 2.2.7 sends: traffic class 0xc0, next header 112, hop limit 255, its
    // link-local source (its flow label is the kernel's automatic one; ours is 0).
    const frames = await cap.frames();
    expect(frames).toHaveLength(3);
    for (const [i, frame] of frames.entries()) {
      const dst = destinations[i] as string;
      expect(frame.readUInt16BE(12)).toBe(0x86dd);
      const ip6 = frame.subarray(14);
      const word0 = ip6.readUInt32BE(0);
      expect([word0 >>> 28, (word0 >>> 20) & 0xff, word0 & 0xfffff]).toEqual([6, 0xc0, 0]);
      expect([ip6.readUInt16BE(4), ip6.readUInt8(6), ip6.readUInt8(7)]).toEqual([24, 112, 255]);
      expect(ip6.subarray(8, 24)).toEqual(parseIp(ll1));
      expect(ip6.subarray(24, 40)).toEqual(parseIp(dst));
      const msg = encodeVrrpMessage(advertOf(V3_IPV6), { src: ll1, dst });
      expect(ip6.subarray(40, 40 + 24).toString('hex')).toBe(msg.toString('hex'));
    }
  });

  it('rejects bad IPv6 packets from another host by reason', async (ctx) => {
    const { h3, l2, linkLocal } = await env(ctx);
    const [ll2, ll3] = [linkLocal[2] as string, linkLocal[3] as string];
    const to = (p: Partial<Inject>): Inject => ({
      advert: V3_IPV6,
      src: ll3,
      dst: 'ff02::12',
      ...p,
    });
    const packets = [
      to({ corrupt: 'checksum' }),
      to({ corrupt: 'truncate' }),
      // Not link-local: the hop limit, which raw-socket cannot show us, is unverifiable.
      to({ src: 'fd00:99::3' }),
      to({ src: ll2 }), // claims to be h2 itself
    ];
    await runProbe(h3, 'inject', { iface: 'eth0', family: 'ipv6', packets });

    const rejects = await waitForEvents(l2, (e) => e.event === 'reject' && e.family === 'ipv6', 4);
    expect(rejects.map((e) => [e.reason, e.src])).toEqual([
      ['bad-checksum', ll3],
      ['truncated', ll3],
      ['bad-ip-header', 'fd00:99::3'],
      ['own-packet', ll2],
    ]);
    expect(eventsOf(l2).filter(isAdvertFrom('ipv6', ll3))).toEqual([]);
  });
});
