// Inputs, actions and configuration of the pure VRRP core (RFC 5798 §6, RFC 3768 §6).
import type { IpFamily, VrrpAdvert, VrrpVersion } from './codec/types.js';

/** RFC 5798 §6.4: Initialize, Backup, Master; plus FAULT (interface down or a tracker demands it). */
export type VrrpState = 'initialize' | 'backup' | 'master' | 'fault';

export interface VirtualRouterConfig {
  readonly vrid: number; // 1..255
  readonly version: VrrpVersion;
  readonly family: IpFamily;
  /** Source of our adverts; compared on equal priority (RFC 5798 §6.4.3). */
  readonly primaryAddress: string;
  /** Base priority 1..255; 255 means we own the addresses (RFC 5798 §6.1). */
  readonly priority: number;
  /** Advertisement_Interval in centiseconds. v2 carries whole seconds: a multiple of 100. */
  readonly advertIntervalCs: number;
  /** Preempt_Mode (RFC 5798 §6.1). */
  readonly preempt: boolean;
  /** Hold a preemption of a lower-priority master this long (keepalived's preempt_delay). */
  readonly preemptDelayMs: number;
  /** Accept_Mode (RFC 5798 §6.1): a non-owner MASTER accepts packets sent to the VIPs. */
  readonly acceptMode: boolean;
  readonly vips: readonly string[];
  /** v2 only: simple text password (auth type 1, keepalived's auth_pass). */
  readonly authPassword?: string | undefined;
  /**
   * Compare an advert's address list with ours (a MAY in both RFCs, §7.1). On a mismatch v2 drops
   * the advert unless it comes from the owner (RFC 3768 §7.1: MUST); v3 only reports it (RFC 5798
   * §7.1: SHOULD log), since dropping would make both routers MASTER during a VIP rollout.
   * Default true.
   */
  readonly checkAddressList?: boolean | undefined;
  /**
   * Unicast VRRP: the only sources whose adverts count (RFC 5798 §7.1 leaves the transport to
   * us; keepalived's unicast_peer drops the others the same way). Undefined: any source.
   */
  readonly unicastPeers?: readonly string[] | undefined;
}

/** What tracking says (issue "health tracking"): summed weights, and whether any tracker demands FAULT. */
export interface TrackingStatus {
  readonly weightDelta: number;
  readonly fault: boolean;
}

export type VrrpInput =
  | { readonly type: 'startup'; readonly nowMs: number }
  | { readonly type: 'timer'; readonly nowMs: number }
  | {
      readonly type: 'advert';
      readonly nowMs: number;
      /** IP source of the advert: the sender's primary address. */
      readonly src: string;
      readonly advert: VrrpAdvert;
    }
  | { readonly type: 'tracking'; readonly nowMs: number; readonly status: TrackingStatus }
  | { readonly type: 'interface'; readonly nowMs: number; readonly up: boolean }
  /** A new base priority (configuration reload); never to or from 255, the owner's. */
  | { readonly type: 'priority'; readonly nowMs: number; readonly priority: number }
  /**
   * Sync group membership (keepalived's vrrp_sync_group): a member becomes MASTER only when
   * the whole group is ready to ('sync-master'), and leaves MASTER when another member does
   * ('sync-backup'). Leaving a group with a takeover pending takes over at once.
   */
  | { readonly type: 'sync-member'; readonly nowMs: number; readonly member: boolean }
  /** Every member of our group is MASTER or ready: a ready member takes over now. */
  | { readonly type: 'sync-master'; readonly nowMs: number }
  /** Another member of our group left MASTER: so do we (priority 0, as on shutdown). */
  | { readonly type: 'sync-backup'; readonly nowMs: number }
  /**
   * Another member of our sync group is in FAULT of its own (link, tracker): the whole group
   * is, as keepalived's vrrp_sync_group; false when no member has such a reason left.
   */
  | { readonly type: 'group-fault'; readonly nowMs: number; readonly fault: boolean }
  /** The unicast peer policy changed (mode auto switched to unicast): undefined accepts any. */
  | {
      readonly type: 'peers';
      readonly nowMs: number;
      readonly peers: readonly string[] | undefined;
    }
  /** A new list of virtual addresses (configuration reload), same family, at least one. */
  | { readonly type: 'vips'; readonly nowMs: number; readonly vips: readonly string[] }
  | {
      readonly type: 'shutdown';
      readonly nowMs: number;
      /**
       * The adapter already sent what releaseAdvert() returned (from a signal handler, before
       * this input could be made): the core does not send it again (a second priority 0 would
       * restart the backup's Skew_Time).
       */
      readonly releaseSent?: boolean;
    };

/** Why a state was entered: shown in logs, status and metrics (label values, keep stable). */
export type TransitionReason =
  | 'startup' // Initialize -> Backup
  | 'startup-owner' // Initialize -> Master, priority 255 (RFC 5798 §6.4.1)
  | 'master-down' // Master_Down_Timer fired: the master went silent
  | 'master-released' // Master_Down_Timer fired after a priority-0 advert (Skew_Time)
  | 'preempted' // a higher-priority advert reached us as master
  | 'preempted-by-address' // equal priority, higher primary address (RFC 5798 §6.4.3)
  | 'preempting' // we outrank a master and Preempt_Mode is on: we took over
  | 'fault' // interface down or a tracker demands FAULT
  | 'fault-cleared'
  | 'sync-group' // another member of our sync group left MASTER
  | 'shutdown';

/** Why the core dropped a decoded advert (the codec counts malformed ones). Metric label values. */
export type AdvertDropReason =
  | 'vrid-mismatch'
  | 'version-mismatch'
  | 'own-advert'
  | 'local-owner' // RFC 5798 §7.1: the owner discards adverts
  | 'auth-type-mismatch' // RFC 3768 §7.1: another Auth Type than ours
  | 'auth-mismatch' // RFC 2338 §5.3.6.1: type 1 on both sides, another password
  | 'interval-mismatch' // RFC 3768 §7.1: v2 adverts must carry our interval
  | 'address-list-mismatch' // RFC 3768 §7.1: v2, not from the owner
  | 'lower-priority' // RFC 5798 §6.4.2: a backup discards it (unless from the master it follows)
  | 'foreign-release' // a priority-0 advert from a router other than the master we follow
  | 'not-a-peer'; // unicast: not one of the configured peers (unicastPeers)

/** Accepted but worth an operator's attention (RFC 5798 §7.1: "SHOULD log the event"). */
export type AdvertAnomaly = 'address-list-mismatch';

export type VrrpAction =
  | {
      readonly type: 'transition';
      readonly from: VrrpState;
      readonly to: VrrpState;
      readonly reason: TransitionReason;
      /** Our effective priority at the time. */
      readonly priority: number;
      readonly nowMs: number;
    }
  /** Encode and send (multicast, or to each unicast peer). */
  | { readonly type: 'send-advert'; readonly advert: VrrpAdvert }
  | { readonly type: 'add-vips'; readonly vips: readonly string[]; readonly acceptMode: boolean }
  | { readonly type: 'del-vips'; readonly vips: readonly string[] }
  /** Gratuitous ARP (IPv4) or unsolicited NA (IPv6) for each VIP; repeats are the adapter's. */
  | { readonly type: 'send-garp'; readonly vips: readonly string[] }
  /** Make the cloud point at us (level-triggered: the reconciler keeps asserting). */
  | { readonly type: 'cloud-claim' }
  /**
   * As MASTER, a lower priority heard at heardAtMs (nowMs clock) went silent for three of our
   * intervals: that router stepped down and VRRP settled the group in our favour.
   */
  | { readonly type: 'peer-yielded'; readonly heardAtMs: number }
  /** Stop asserting ownership in the cloud. */
  | { readonly type: 'cloud-release' }
  /**
   * A sync-group member's Master_Down_Timer ran out: it is ready to take over and waits for
   * the group ('sync-master'), keeping its readiness until a master it must not preempt speaks
   * (then `ready: false`; a transition ends it too, without this action).
   */
  | { readonly type: 'sync-ready'; readonly ready: boolean }
  /**
   * Whether this router wants FAULT for a reason of its own (its link, a tracker), apart from
   * its sync group's FAULT: the group follows it. Said when it changes.
   */
  | { readonly type: 'own-fault'; readonly fault: boolean }
  | { readonly type: 'advert-dropped'; readonly reason: AdvertDropReason; readonly src: string }
  | { readonly type: 'advert-anomaly'; readonly reason: AdvertAnomaly; readonly src: string };

export interface LastTransition {
  readonly from: VrrpState;
  readonly to: VrrpState;
  readonly reason: TransitionReason;
  readonly atMs: number;
}

/**
 * As MASTER, a lower-priority router heard advertising since sinceMs without falling silent for
 * three of our intervals: a MASTER too that has not yielded (RFC 5798 §6.4.3 would have it
 * become BACKUP on our adverts), so it does not hear them.
 */
export interface LowerMaster {
  readonly src: string;
  readonly priority: number;
  readonly sinceMs: number;
  readonly lastHeardAtMs: number;
}

/** A read-only view for status pages, simulation checks and tests. */
export interface VirtualRouterSnapshot {
  readonly state: VrrpState;
  readonly basePriority: number;
  readonly effectivePriority: number;
  /** The master as far as we know: ourselves when MASTER, the last accepted sender when BACKUP. */
  readonly masterAddress: string | undefined;
  readonly masterAdvertIntervalCs: number;
  readonly masterDownDeadlineMs: number | undefined;
  readonly advertDeadlineMs: number | undefined;
  readonly preemptHoldUntilMs: number | undefined;
  readonly lastTransition: LastTransition | undefined;
  /** A sync-group member in BACKUP whose takeover waits for the rest of its group. */
  readonly syncReady: boolean;
  /** Held in FAULT by its sync group ('group-fault'). */
  readonly groupFault: boolean;
  /** Wants FAULT for a reason of its own: link down, or a tracker says so. */
  readonly ownFault: boolean;
  /** As MASTER: a lower-priority MASTER that keeps advertising (it has not yielded). */
  readonly lowerMaster?: LowerMaster | undefined;
}
