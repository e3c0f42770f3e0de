// What the daemon needs from its adapters. The adapters in io/ and net/ implement these; tests
// may substitute fakes.
import type { ReceivedAdvert, RejectReason, VrrpAdvert } from '../vrrp/codec/types.js';

import type { GarpSettings } from '../net/garp.js';
import type { Vip } from '../net/vip.js';

export type { GarpSettings, Vip };

/** One raw socket: an interface and an address family. */
export interface AdvertSocket {
  send(advert: VrrpAdvert, src: string, destinations: readonly string[]): void;
  /** `receivedAgoMs`: how long ago the kernel received it (0 when unknown). */
  on(event: 'advert', listener: (received: ReceivedAdvert, receivedAgoMs: number) => void): unknown;
  on(
    event: 'reject',
    listener: (
      reason: RejectReason | 'own-packet',
      detail: string,
      src: string | undefined,
    ) => void,
  ): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** What a SIGTERM sends for `entry` from its handler (undefined: nothing); optional. */
  armRelease?(
    entry: number,
    advert: VrrpAdvert | undefined,
    src: string,
    destinations: readonly string[],
  ): void;
  /** Whether that handler sent `entry`'s release. */
  releasedBySignal?(entry: number): boolean;
  close(): void;
  /** What the socket sent, received and rejected (by reason), for status and metrics. */
  readonly counters: {
    readonly sent: number;
    readonly sendErrors: number;
    readonly received: number;
    readonly rejected: Readonly<Record<string, number>>;
    /** Dropped by the kernel before we read them (receive buffer full); undefined: unknown. */
    readonly receiveDrops?: number | undefined;
  };
}

export interface AddressPort {
  add(vip: Vip): Promise<void>;
  remove(vip: Vip): Promise<void>;
  removeLeftovers(vips: readonly Vip[]): Promise<Vip[]>;
}

export interface AnnouncePort {
  /** Start announcing (GARP / unsolicited NA) the VIPs of `key` on the MASTER schedule. */
  becameMaster(key: string, vips: readonly Vip[], settings: GarpSettings): void;
  stopped(key: string): void;
  close(): void;
}

export interface LinkPort {
  /** Resolves with the link's current state; calls onChange on every later change. */
  watch(ifname: string, onChange: (up: boolean) => void): Promise<boolean>;
  close(): void;
}
