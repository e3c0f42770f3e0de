// Gratuitous ARP for IPv4 VIPs, sent by floatd itself on an AF_PACKET socket per interface
// (native/floatd-native): each send is one synchronous sendto() of keepalived's 42-byte frame
// (arp-frame.ts), ~4 us, so a takeover's burst of hundreds leaves within a few ms, inside the
// scheduler's round. No process per address, and the VIP need not be on the interface yet.
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.js';
import { nativeAddon, type PacketSocketFunctions } from '../native/native-addon.js';
import { encodeGratuitousArp, garpTemplate, type GarpTemplate } from './arp-frame.js';
import { GratuitousArpError } from './errors.js';
import type { AnnounceSender } from './garp.js';
import type { Vip } from './vip.js';

/** sendto() on a socket whose interface was deleted (ENXIO), or bind() to one (ENODEV). */
const INTERFACE_GONE = new Set(['ENXIO', 'ENODEV']);
/** Frames kept per interface for the next rounds (VIPs are configured: far fewer in practice). */
const MAX_CACHED_FRAMES = 4096;

export interface PacketGarpSenderOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The addon's functions (a fake in unit tests). */
  readonly addon?: () => PacketSocketFunctions;
  /**
   * How long an interface's index and MAC are trusted before they are read again. Reading them
   * costs ~25 us (if_nametoindex opens a socket), 6x a send: once per burst, not per frame.
   */
  readonly recheckAfterMs?: number;
  /** At most one warning per interface per this period; the failures between are counted. */
  readonly warnEveryMs?: number;
}

export interface GarpSenderCounters {
  readonly sent: number;
  readonly failed: number;
  /** Sockets opened again because their interface was deleted, re-created or renamed away. */
  readonly reopened: number;
}

interface Link {
  readonly fd: number;
  readonly ifindex: number;
  mac: Buffer;
  template: GarpTemplate;
  /** VIP -> its frame with this MAC: a burst's later rounds and the refreshes re-encode nothing. */
  readonly frames: Map<string, Buffer>;
  checkedAtMs: number;
}

interface Warned {
  atMs: number;
  suppressed: number;
}

export class PacketGarpSender implements AnnounceSender {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly addon: () => PacketSocketFunctions;
  private readonly recheckAfterMs: number;
  private readonly warnEveryMs: number;
  private readonly links = new Map<string, Link>();
  private readonly warned = new Map<string, Warned>();
  private sentCount = 0;
  private failedCount = 0;
  private reopenedCount = 0;
  private closed = false;

  constructor(opts: PacketGarpSenderOptions) {
    this.logger = opts.logger.child({ component: 'net.garp' });
    this.clock = opts.clock ?? systemClock;
    this.addon = opts.addon ?? nativeAddon;
    this.recheckAfterMs = opts.recheckAfterMs ?? 100;
    this.warnEveryMs = opts.warnEveryMs ?? 10_000;
  }

  get counters(): GarpSenderCounters {
    return { sent: this.sentCount, failed: this.failedCount, reopened: this.reopenedCount };
  }

  /**
   * Load the addon and run the encoder once now, at startup: their first runs (dlopen, the
   * regex's compilation) belong there, not on the failover path. Throws if the addon is not built.
   */
  open(): void {
    this.addon();
    encodeGratuitousArp(Buffer.alloc(6), '192.0.2.1');
  }

  /** One frame on the wire now, or a counted failure. Never throws. */
  send(vip: Vip): void {
    if (this.closed) return;
    try {
      this.sendOn(this.link(vip.device), vip);
    } catch (error) {
      if (!INTERFACE_GONE.has(errnoOf(error))) return this.failed(vip, error);
      // Deleted, maybe re-created under the same name with a new index: a new socket, once.
      this.forget(vip.device);
      try {
        this.sendOn(this.link(vip.device), vip);
        this.reopenedCount++;
      } catch (retryError) {
        return this.failed(vip, retryError);
      }
    }
    this.sentCount++;
    this.recovered(vip.device);
  }

  close(): void {
    this.closed = true;
    for (const device of [...this.links.keys()]) this.forget(device);
  }

  private sendOn(link: Link, vip: Vip): void {
    let frame = link.frames.get(vip.address);
    if (frame === undefined) {
      if (link.frames.size >= MAX_CACHED_FRAMES) link.frames.clear();
      frame = link.template.withAddress(vip.address);
      link.frames.set(vip.address, frame);
    }
    this.addon().send(link.fd, link.ifindex, frame);
  }

  /** The device's socket: opened at first use, reopened if the name now means another index. */
  private link(device: string): Link {
    const addon = this.addon();
    const nowMs = this.clock.nowMs();
    const cached = this.links.get(device);
    if (cached !== undefined && nowMs - cached.checkedAtMs < this.recheckAfterMs) return cached;
    const ifindex = addon.interfaceIndex(device);
    if (cached !== undefined && cached.ifindex === ifindex) {
      // `ip link set DEV address ...` may have changed it.
      const mac = addon.hardwareAddress(cached.fd);
      if (!mac.equals(cached.mac)) {
        cached.template = garpTemplate(mac, device);
        cached.mac = mac;
        cached.frames.clear();
      }
      cached.checkedAtMs = nowMs;
      return cached;
    }
    if (cached !== undefined) {
      this.forget(device);
      this.reopenedCount++;
    }
    const fd = addon.open(ifindex);
    let mac: Buffer;
    let template: GarpTemplate;
    try {
      mac = addon.hardwareAddress(fd);
      template = garpTemplate(mac, device); // throws for a device that is not Ethernet
    } catch (error) {
      addon.close(fd);
      throw error;
    }
    const link: Link = { fd, ifindex, mac, template, frames: new Map(), checkedAtMs: nowMs };
    this.links.set(device, link);
    return link;
  }

  private forget(device: string): void {
    const link = this.links.get(device);
    if (link === undefined) return;
    this.links.delete(device);
    try {
      this.addon().close(link.fd);
    } catch {
      // the fd is released whatever close() says (Linux)
    }
  }

  /** Counted always; logged once per device per warnEveryMs, with the count held back. */
  private failed(vip: Vip, error: unknown): void {
    this.failedCount++;
    const nowMs = this.clock.nowMs();
    const warned = this.warned.get(vip.device);
    if (warned !== undefined && nowMs - warned.atMs < this.warnEveryMs) {
      warned.suppressed++;
      return;
    }
    this.warned.set(vip.device, { atMs: nowMs, suppressed: 0 });
    const err = new GratuitousArpError(`${vip.address} on ${vip.device} not sent`, error);
    this.logger.warn(
      {
        err,
        vip: vip.address,
        dev: vip.device,
        failed: this.failedCount,
        suppressedSinceLastWarning: warned?.suppressed ?? 0,
      },
      'gratuitous ARP not sent (further failures on this interface counted, logged at most every ' +
        `${this.warnEveryMs} ms)`,
    );
  }

  private recovered(device: string): void {
    const warned = this.warned.get(device);
    if (warned === undefined) return;
    this.warned.delete(device);
    this.logger.info(
      { dev: device, suppressed: warned.suppressed },
      'gratuitous ARP sent again on this interface',
    );
  }
}

function errnoOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
