// Unsolicited neighbour advertisements for IPv6 VIPs (RFC 4861 §7.2.6), IPv6's gratuitous ARP:
// an NA to all-nodes with the Override flag makes neighbours that cache the VIP point at our MAC.
// Sent on a raw ICMPv6 socket: the kernel fills the source address and the ICMPv6 checksum
// (RFC 3542 §3.1), so no packet socket is needed. `ndisc6` (Debian) only solicits; it cannot
// send an unsolicited NA.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';
import { markSocketsCloseOnExec } from '../native/close-on-exec.js';
import type { Logger } from 'pino';
import { NeighbourAdvertError } from './errors.js';
import type { AnnounceSender } from './garp.js';
import type { Vip } from './vip.js';

const ICMPV6_NEIGHBOR_ADVERT = 136; // RFC 4861 §4.4
const NA_FLAG_ROUTER = 0x80;
const NA_FLAG_OVERRIDE = 0x20; // Solicited (0x40) stays clear
const OPTION_TARGET_LINK_LAYER_ADDRESS = 2; // RFC 4861 §4.6.1
const NA_LENGTH = 24 + 8; // header + target + one 8-byte option

const IPPROTO_IPV6 = 41;
const IPPROTO_ICMPV6 = 58;
const IPV6_UNICAST_HOPS = 16;
const IPV6_MULTICAST_HOPS = 18;
const ICMP6_FILTER = 1;
/** RFC 4861 §7.1.2: receivers drop NDP messages whose hop limit is not 255 (proof of on-link). */
const NDP_HOP_LIMIT = 255;
const ALL_NODES = 'ff02::1';

export interface NaOptions {
  /** R flag: set when this node routes (RFC 4861 §7.2.6: "set the Router flag ... if a router"). */
  readonly router: boolean;
}

/** The ICMPv6 message of an unsolicited NA for `target` (checksum left 0 for the kernel). */
export function encodeUnsolicitedNa(target: string, mac: string, opts: NaOptions): Buffer {
  if (!ipaddr.IPv6.isValid(target)) {
    throw new NeighbourAdvertError(`not an IPv6 address: ${target}`);
  }
  const addr = ipaddr.IPv6.parse(target);
  // RFC 4861 §7.1.2: the target must not be a multicast address.
  if (addr.range() === 'multicast') throw new NeighbourAdvertError(`multicast target: ${target}`);
  const macBytes = parseMac(mac);
  const na = Buffer.alloc(NA_LENGTH);
  na[0] = ICMPV6_NEIGHBOR_ADVERT;
  // §7.2.6: Solicited is 0 (nobody asked); Override is set so caches replace the old MAC.
  na[4] = NA_FLAG_OVERRIDE | (opts.router ? NA_FLAG_ROUTER : 0);
  Buffer.from(addr.toByteArray()).copy(na, 8);
  na[24] = OPTION_TARGET_LINK_LAYER_ADDRESS;
  na[25] = 1; // in units of 8 octets
  macBytes.copy(na, 26);
  return na;
}

function parseMac(mac: string): Buffer {
  const parts = mac.split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-f]{2}$/i.test(p))) {
    throw new NeighbourAdvertError(`not a MAC address: ${mac}`);
  }
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/** The part of raw-socket's Socket used here (the package ships no types). */
export interface IcmpV6Socket {
  send(
    buffer: Buffer,
    offset: number,
    length: number,
    address: string,
    afterSend: (error: Error | null, bytes: number) => void,
  ): unknown;
  setOption(level: number, option: number, value: number | Buffer, length?: number): void;
  pauseRecv(): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): unknown;
}

interface RawSocketModule {
  createSocket(options: { protocol: number; addressFamily: number }): IcmpV6Socket;
  AddressFamily: { IPv6: number };
}

/** A raw ICMPv6 socket that sends with hop limit 255 and receives nothing. Needs CAP_NET_RAW. */
export function openIcmpV6Socket(): IcmpV6Socket {
  const raw = createRequire(import.meta.url)('raw-socket') as RawSocketModule;
  const socket = raw.createSocket({
    protocol: IPPROTO_ICMPV6,
    addressFamily: raw.AddressFamily.IPv6,
  });
  try {
    markSocketsCloseOnExec();
    socket.setOption(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, NDP_HOP_LIMIT);
    socket.setOption(IPPROTO_IPV6, IPV6_UNICAST_HOPS, NDP_HOP_LIMIT);
    // A send-only socket: block every ICMPv6 type (all bits set = block) so the kernel does not
    // queue each ICMPv6 packet on the host for us.
    const blockAll = Buffer.alloc(32, 0xff);
    socket.setOption(IPPROTO_ICMPV6, ICMP6_FILTER, blockAll, blockAll.length);
    socket.pauseRecv();
  } catch (error) {
    socket.close();
    throw error;
  }
  return socket;
}

/** The MAC of `device` in this network namespace. */
export function deviceMac(device: string): string | undefined {
  const mac = networkInterfaces()[device]?.[0]?.mac;
  return mac === undefined || mac === '00:00:00:00:00:00' ? undefined : mac;
}

/** Whether IPv6 forwarding is on for `device` (keepalived sets the R flag from the same sysctl). */
export function deviceForwardsIpv6(device: string): boolean {
  try {
    return readFileSync(`/proc/sys/net/ipv6/conf/${device}/forwarding`, 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

export interface NeighbourAdvertSenderOptions {
  readonly logger: Logger;
  readonly openSocket?: () => IcmpV6Socket;
  readonly macOf?: (device: string) => string | undefined;
  readonly isRouter?: (device: string) => boolean;
}

/** Sends one unsolicited NA per call to all-nodes on the VIP's device; never throws. */
export class NeighbourAdvertSender implements AnnounceSender {
  private readonly logger: Logger;
  private readonly openSocket: () => IcmpV6Socket;
  private readonly macOf: (device: string) => string | undefined;
  private readonly isRouter: (device: string) => boolean;
  private socket: IcmpV6Socket | undefined;
  private closed = false;

  constructor(opts: NeighbourAdvertSenderOptions) {
    this.logger = opts.logger.child({ component: 'net.na' });
    this.openSocket = opts.openSocket ?? openIcmpV6Socket;
    this.macOf = opts.macOf ?? deviceMac;
    this.isRouter = opts.isRouter ?? deviceForwardsIpv6;
  }

  send(vip: Vip): void {
    if (this.closed) return;
    try {
      const mac = this.macOf(vip.device);
      if (mac === undefined) throw new NeighbourAdvertError(`no MAC for device ${vip.device}`);
      const na = encodeUnsolicitedNa(vip.address, mac, { router: this.isRouter(vip.device) });
      const socket = this.ensureSocket();
      // The zone makes the kernel send on this device (sin6_scope_id of a link-local group).
      socket.send(na, 0, na.length, `${ALL_NODES}%${vip.device}`, (error) => {
        if (error !== null)
          this.logger.warn(
            { err: error, vip: vip.address, dev: vip.device },
            'unsolicited NA not sent',
          );
      });
    } catch (error) {
      this.logger.warn(
        { err: error, vip: vip.address, dev: vip.device },
        'unsolicited NA not sent',
      );
    }
  }

  /**
   * Open the socket now rather than at the first send: loading the addon and opening the socket
   * costs ~7 ms once, which belongs at startup, not on the failover path. Throws without
   * CAP_NET_RAW.
   */
  open(): void {
    this.ensureSocket();
    // Likewise the first runs of the encoder (ipaddr.js, ~1-2 ms cold) and of node:net's isIP,
    // which raw-socket calls on every send and whose first call compiles a large regex (~4 ms).
    encodeUnsolicitedNa('fe80::1', '02:00:00:00:00:01', { router: false });
    isIP(`${ALL_NODES}%lo`);
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
    this.socket = undefined;
  }

  private ensureSocket(): IcmpV6Socket {
    if (this.socket !== undefined) return this.socket;
    const socket = this.openSocket();
    socket.on('error', (error) => {
      this.logger.warn({ err: error }, 'ICMPv6 socket failed; reopening on the next send');
      if (this.socket === socket) this.socket = undefined;
    });
    this.socket = socket;
    return socket;
  }
}
