// How long ago the kernel received the packet being read, so a BACKUP's Master_Down timer
// (RFC 5798 §6.4.2: reset when an advert is received) starts at the advert's arrival. Reading
// it a loop wake-up and a callback later (about a millisecond here, more on a busy host) made
// every Master_Down takeover that much late.
import { nativeAddon } from '../native/native-addon.js';

/**
 * The age is a difference of two CLOCK_REALTIME readings microseconds apart in the common case;
 * a clock step in between (NTP, an operator) could make it anything. Bounded, a wrong age can
 * only make one deadline this much early, well under the 10 ms minimum advert interval's
 * Master_Down_Interval; negative ages (a step back) count as zero.
 */
export const MAX_RECEIVE_AGE_MS = 5;

export class ReceiveStamps {
  private usable = true;

  /** Turns timestamping on for `fd` (the first SIOCGSTAMPNS does; it reports no stamp yet). */
  constructor(private readonly fd: number) {
    this.ageMs();
  }

  /** The last read packet's age in ms, in [0, MAX_RECEIVE_AGE_MS]; 0 when unknown. */
  ageMs(): number {
    if (!this.usable) return 0;
    let ageNs: number;
    try {
      ageNs = nativeAddon().receiveAgeNs(this.fd);
    } catch {
      // No addon, or a kernel without socket timestamps: the time of reading it is.
      this.usable = false;
      return 0;
    }
    if (!(ageNs > 0)) return 0;
    return Math.min(ageNs / 1e6, MAX_RECEIVE_AGE_MS);
  }
}
