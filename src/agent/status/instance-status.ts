// The status of one instance, as the daemon reports it and the adapters (metrics, the status
// endpoint, `floatd status`) read it: a shape of its own, so adapters need nothing of the daemon.
import type { ReconcilerStatus } from '../../cloud/reconciler.js';
import type { LastTransition, VrrpState } from '../vrrp/types.js';

export type TransportMode = 'multicast' | 'unicast';

export interface UnicastStatus {
  readonly peers: readonly string[];
  readonly acceptUnknownPeers: boolean;
  /** The last sources whose adverts were dropped as not a peer, newest first (bounded). */
  readonly notAPeer: readonly {
    readonly src: string;
    readonly count: number;
    /** Wall-clock time of the last one (ISO 8601). */
    readonly lastAt: string;
  }[];
  /** What to change, when some were dropped. */
  readonly fix?: string | undefined;
}

/** A split brain suspected (issue 14): what is seen, in one line naming the likely cause. */
export interface SplitBrainStatus {
  readonly reason: string;
  /** The peer concerned (a configured peer, or the lower MASTER heard). */
  readonly peer: string;
  /** Wall-clock time it was declared (ISO 8601). */
  readonly since: string;
  readonly message: string;
}

export interface InstanceStatus {
  readonly name: string;
  readonly vrid: number;
  readonly interface: string;
  readonly state: VrrpState;
  readonly mode: TransportMode;
  readonly basePriority: number;
  readonly effectivePriority: number;
  readonly masterAddress: string | undefined;
  /** atMs on the agent's monotonic clock (status' nowMs); `at` is its wall-clock time. */
  readonly lastTransition: (LastTransition & { readonly at: string }) | undefined;
  readonly counters: {
    readonly advertsSent: number;
    readonly advertsReceived: number;
    readonly dropped: Record<string, number>;
    readonly addressErrors: number;
  };
  /** Unicast (mode unicast, or peers configured): the peers and the last non-peers dropped. */
  readonly unicast?: UnicastStatus | undefined;
  /** Split brain suspected (both MASTER): present only while it is. */
  readonly splitBrain?: readonly SplitBrainStatus[] | undefined;
  /** Cloud targets: phase, term, fencing and the failover timeline of each. */
  readonly cloud?: ReconcilerStatus | undefined;
}
