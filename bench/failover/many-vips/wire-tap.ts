// VRRP adverts and gratuitous ARPs as seen on the segment from a neutral host: tcpdump writes a
// pcap file (kernel capture timestamps, the same wall clock as the faults) that is read here as
// it grows. A file, not tcpdump's text on a pipe: a 255-VIP takeover puts 1275 GARPs on the wire
// within milliseconds, and a reader that falls behind on a pipe makes the kernel drop frames
// (measured: 1465 dropped in one run).
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { LabHost } from '../../../lab/lab.js';
import type { LabProcess } from '../../../lab/lab-process.js';

export interface WireAdvert {
  /** Capture time, wall-clock ms. */
  readonly atMs: number;
  readonly srcMac: string;
  readonly src: string;
  readonly vrid: number;
  readonly priority: number;
}

export interface WireGarp {
  readonly atMs: number;
  readonly srcMac: string;
  /** The announced address (sender = target address, or a reply, to the broadcast MAC). */
  readonly address: string;
}

const PCAP_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const VRRP_PROTOCOL = 112;
const BROADCAST = 'ff:ff:ff:ff:ff:ff';

const mac = (b: Buffer, at: number): string =>
  [...b.subarray(at, at + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ipv4 = (b: Buffer, at: number): string => [...b.subarray(at, at + 4)].join('.');

export class WireTap {
  readonly adverts: WireAdvert[] = [];
  readonly garps: WireGarp[] = [];
  private readonly fd: number;
  private offset = PCAP_HEADER_LENGTH;
  private pending = Buffer.alloc(0);

  private constructor(
    private readonly proc: LabProcess,
    path: string,
  ) {
    this.fd = openSync(path, 'r');
  }

  /** Undefined when tcpdump cannot run here. `filter`: a pcap filter narrowing what is kept. */
  static async start(host: LabHost, dir: string, filter: string): Promise<WireTap | undefined> {
    const path = join(dir, `wire-${host.name}.pcap`);
    const proc = host.spawn('tcpdump', [
      '-i',
      'eth0',
      '-n',
      '-U', // each frame written as captured
      '-w',
      path,
      '-B',
      '8192', // KiB of kernel capture buffer
      '--time-stamp-precision=micro',
      filter,
    ]);
    try {
      await proc.waitForOutput(/listening on/, 5000);
      return new WireTap(proc, path);
    } catch {
      await proc.kill('SIGKILL');
      return undefined;
    }
  }

  /** Read the frames tcpdump wrote since the last call. */
  update(): void {
    const chunk = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(this.fd, chunk, 0, chunk.length, this.offset);
      if (n === 0) break;
      this.offset += n;
      this.pending = Buffer.concat([this.pending, chunk.subarray(0, n)]);
    }
    let at = 0;
    while (at + RECORD_HEADER_LENGTH <= this.pending.length) {
      const captured = this.pending.readUInt32LE(at + 8);
      const end = at + RECORD_HEADER_LENGTH + captured;
      if (end > this.pending.length) break;
      const atMs = this.pending.readUInt32LE(at) * 1000 + this.pending.readUInt32LE(at + 4) / 1000;
      this.frame(atMs, this.pending.subarray(at + RECORD_HEADER_LENGTH, end));
      at = end;
    }
    this.pending = Buffer.from(this.pending.subarray(at));
  }

  private frame(atMs: number, f: Buffer): void {
    if (f.length < 14) return;
    const srcMac = mac(f, 6);
    const etherType = f.readUInt16BE(12);
    if (etherType === ETHERTYPE_ARP && f.length >= 42 && mac(f, 0) === BROADCAST) {
      const op = f.readUInt16BE(20);
      const sender = ipv4(f, 28);
      const target = ipv4(f, 38);
      if (op === 2 || (op === 1 && sender === target))
        this.garps.push({ atMs, srcMac, address: sender });
      return;
    }
    if (etherType !== ETHERTYPE_IPV4 || f.length < 34 || f[23] !== VRRP_PROTOCOL) return;
    const ihl = ((f[14] ?? 0) & 0x0f) * 4;
    if (f.length < 14 + ihl + 3) return;
    this.adverts.push({
      atMs,
      srcMac,
      src: ipv4(f, 26),
      vrid: f[14 + ihl + 1] ?? 0,
      priority: f[14 + ihl + 2] ?? 0,
    });
  }

  /** Frames the kernel dropped before tcpdump saw them (said when it ends), or undefined. */
  droppedByKernel(): number | undefined {
    const m = /(\d+) packets? dropped by kernel/.exec(this.proc.output());
    return m === null ? undefined : Number(m[1]);
  }

  async stop(): Promise<void> {
    await this.proc.kill('SIGTERM');
    closeSync(this.fd);
  }
}
