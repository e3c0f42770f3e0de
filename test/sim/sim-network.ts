// A simulated L2 segment: every frame is flooded to every reachable host (VRRP multicast is
// link-local and always flooded), with loss, delay jitter (which also reorders), duplication,
// corruption and partitions.
import type { Prng } from './prng.js';
import type { SimClock } from './sim-clock.js';

export interface SimFrame {
  readonly family: 'ipv4' | 'ipv6';
  /** IPv4: the whole IP packet, as a raw socket delivers it. IPv6: the VRRP payload. */
  readonly bytes: Buffer;
  readonly src: string;
  readonly dst: string;
  readonly hopLimit: number;
}

export interface LinkConditions {
  readonly lossRate: number;
  readonly delayMinMs: number;
  readonly delayMaxMs: number;
  readonly duplicateRate: number;
  readonly corruptRate: number;
  /**
   * Whether jitter may reorder one sender's frames to one receiver. A healthy L2 link is FIFO
   * per sender (one queue, one wire); reordering is a fault, so it belongs to chaos.
   */
  readonly reorder: boolean;
}

export const QUIET_LINK: LinkConditions = {
  lossRate: 0,
  delayMinMs: 0.05,
  delayMaxMs: 0.3,
  duplicateRate: 0,
  corruptRate: 0,
  reorder: false,
};

export interface NetworkCounters {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  corrupted: number;
  partitioned: number;
}

type Receiver = (frame: SimFrame) => void;

export class SimNetwork {
  conditions: LinkConditions = QUIET_LINK;
  readonly counters: NetworkCounters = {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    corrupted: 0,
    partitioned: 0,
  };
  private readonly receivers = new Map<string, Receiver>();
  private readonly groupOf = new Map<string, number>();
  private readonly linkDown = new Set<string>();
  /** Per (sender, receiver): when the last frame is delivered, to keep a FIFO link FIFO. */
  private readonly lastDeliveryMs = new Map<string, number>();

  constructor(
    private readonly clock: SimClock,
    private readonly prng: Prng,
  ) {}

  attach(hostId: string, receive: Receiver): void {
    this.receivers.set(hostId, receive);
    this.groupOf.set(hostId, 0);
  }

  setLink(hostId: string, up: boolean): void {
    if (up) this.linkDown.delete(hostId);
    else this.linkDown.add(hostId);
  }

  isLinkUp(hostId: string): boolean {
    return !this.linkDown.has(hostId);
  }

  /** Split the segment: hosts in different groups no longer hear each other. */
  partition(groups: readonly (readonly string[])[]): void {
    groups.forEach((hosts, index) => {
      for (const host of hosts) this.groupOf.set(host, index);
    });
  }

  heal(): void {
    for (const host of this.groupOf.keys()) this.groupOf.set(host, 0);
  }

  groupIdOf(hostId: string): number {
    return this.groupOf.get(hostId) ?? 0;
  }

  reachable(a: string, b: string): boolean {
    return this.isLinkUp(a) && this.isLinkUp(b) && this.groupIdOf(a) === this.groupIdOf(b);
  }

  send(fromHost: string, frame: SimFrame): void {
    this.counters.sent++;
    for (const [hostId, receive] of this.receivers) {
      if (hostId === fromHost) continue;
      if (!this.reachable(fromHost, hostId)) {
        this.counters.partitioned++;
        continue;
      }
      const c = this.conditions;
      if (this.prng.chance(c.lossRate)) {
        this.counters.lost++;
        continue;
      }
      const copies = this.prng.chance(c.duplicateRate) ? 2 : 1;
      if (copies === 2) this.counters.duplicated++;
      for (let i = 0; i < copies; i++) {
        let bytes = frame.bytes;
        if (this.prng.chance(c.corruptRate)) {
          bytes = Buffer.from(bytes);
          const at = this.prng.int(0, bytes.length - 1);
          bytes[at] = (bytes[at] ?? 0) ^ (1 << this.prng.int(0, 7));
          this.counters.corrupted++;
        }
        let atMs = this.clock.nowMs() + this.prng.range(c.delayMinMs, c.delayMaxMs);
        if (!c.reorder) {
          const pair = `${fromHost}>${hostId}`;
          atMs = Math.max(atMs, this.lastDeliveryMs.get(pair) ?? 0);
          this.lastDeliveryMs.set(pair, atMs);
        }
        const copy: SimFrame = { ...frame, bytes };
        this.clock.setTimer(atMs, () => {
          // A frame in flight is lost if the path broke meanwhile.
          if (!this.reachable(fromHost, hostId)) return;
          this.counters.delivered++;
          receive(copy);
        });
      }
    }
  }
}
