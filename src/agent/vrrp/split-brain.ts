// Split-brain diagnosis (issue 14): an observation, never a protocol decision. Both routers of a
// pair are MASTER when their adverts do not reach each other while the hosts do: the classic
// cause is a firewall or a cloud security group that lets ICMP or TCP through but not IP
// protocol 112. VRRP alone cannot tell that from a healthy pair (a BACKUP is silent, RFC 5798
// §6.4.2), so this machine combines what the instance hears (adverts), what a cheap probe says
// (the peer answers), and what the peer says of itself (its probe carries its state), and names
// the likely cause until adverts arrive again. Pure: inputs carry nowMs.
import type { LowerMaster, TransitionReason, VrrpState } from './types.js';

export type SplitBrainReason =
  /** A peer that is MASTER (by its word) and reachable sends no advert that arrives here. */
  | 'adverts-blocked'
  /** As MASTER we keep hearing a lower-priority MASTER: it does not hear our adverts. */
  | 'lower-master-not-yielding';

export interface SplitBrainDiagnosis {
  readonly reason: SplitBrainReason;
  readonly peer: string;
  /** When it was declared (the input's clock). */
  readonly sinceMs: number;
  /** One line for an operator: what is seen and the likely cause. */
  readonly message: string;
}

export type SplitBrainInput =
  /** The instance entered `state` (the core's transition). */
  | {
      readonly type: 'state';
      readonly nowMs: number;
      readonly state: VrrpState;
      readonly reason: TransitionReason;
    }
  /** An advert from `src` reached the instance; `stateAfter`: the core's state once it ran. */
  | {
      readonly type: 'advert';
      readonly nowMs: number;
      readonly src: string;
      readonly priority: number;
      readonly stateAfter: VrrpState;
    }
  /** The reachability probe of a configured peer answered (ok) or not. */
  | { readonly type: 'probe'; readonly nowMs: number; readonly peer: string; readonly ok: boolean }
  /** A configured peer said its own state for our VRID (in its probe to us). */
  | {
      readonly type: 'peer-state';
      readonly nowMs: number;
      readonly peer: string;
      readonly state: VrrpState;
    }
  /** The core's view of a lower-priority MASTER that keeps advertising (snapshot.lowerMaster). */
  | {
      readonly type: 'lower-master';
      readonly nowMs: number;
      readonly lowerMaster: LowerMaster | undefined;
    }
  /** Time passed: silences are measured. */
  | { readonly type: 'tick'; readonly nowMs: number };

export type SplitBrainChange =
  | { readonly type: 'suspected'; readonly diagnosis: SplitBrainDiagnosis }
  | { readonly type: 'cleared'; readonly diagnosis: SplitBrainDiagnosis; readonly nowMs: number };

export interface SplitBrainConfig {
  /** The configured unicast peers: the only sources this machine keeps anything for. */
  readonly peers: readonly string[];
  readonly advertIntervalMs: number;
  /** How reachability is probed, for the message ("ICMP echo", "TCP port 22"); undefined: not. */
  readonly probeName: string | undefined;
}

/** Declared after this many advert intervals (Master_Down_Interval is about three, §6.1). */
export const SILENCE_INTERVALS = 3;

/** Probes lost in a row before a peer counts as down: one lost echo is no failover. */
export const PROBE_FALL = 3;

const CAUSE = 'likely a firewall or security group blocking IP protocol 112 (VRRP)';

interface PeerView {
  lastAdvertAtMs: number | undefined;
  /** Whether the peer is MASTER, and who said so: its beacon, or its adverts as we followed it. */
  word: { readonly master: boolean; readonly from: 'beacon' | 'advert' } | undefined;
  reachable: boolean;
  /** Probes lost in a row. */
  lost: number;
}

export class SplitBrainWatch {
  private readonly peers = new Map<string, PeerView>();
  private state: VrrpState = 'initialize';
  private lowerMaster: LowerMaster | undefined;
  private readonly active = new Map<string, SplitBrainDiagnosis>();

  constructor(private readonly config: SplitBrainConfig) {
    for (const peer of config.peers) {
      this.peers.set(peer, {
        lastAdvertAtMs: undefined,
        word: undefined,
        reachable: false,
        lost: 0,
      });
    }
  }

  /** What is suspected now, in the order it was declared. */
  diagnoses(): SplitBrainDiagnosis[] {
    return [...this.active.values()];
  }

  handle(input: SplitBrainInput): SplitBrainChange[] {
    switch (input.type) {
      case 'state':
        this.state = input.state;
        // Taking over other than from silence (preempting, as owner, ...): the peer we followed
        // yields (§6.4.3) and falls silent; that silence is no sign of anything.
        if (input.state === 'master' && input.reason !== 'master-down') {
          for (const view of this.peers.values()) view.word = undefined;
        }
        break;
      case 'advert':
        this.handleAdvert(input.nowMs, input.src, input.priority, input.stateAfter);
        break;
      case 'probe': {
        const view = this.peers.get(input.peer);
        if (view === undefined) break;
        view.lost = input.ok ? 0 : view.lost + 1;
        if (input.ok) view.reachable = true;
        else if (view.lost >= PROBE_FALL) view.reachable = false;
        break;
      }
      case 'peer-state':
        this.handlePeerState(input.nowMs, input.peer, input.state);
        break;
      case 'lower-master':
        this.lowerMaster = input.lowerMaster;
        break;
      case 'tick':
        break;
      default: {
        const never: never = input;
        throw new Error(`unhandled input ${JSON.stringify(never)}`);
      }
    }
    return this.evaluate(input.nowMs);
  }

  private handleAdvert(nowMs: number, src: string, priority: number, stateAfter: VrrpState): void {
    const view = this.peers.get(src);
    if (view === undefined) return; // not a configured peer: nothing kept for it
    view.lastAdvertAtMs = nowMs;
    // Priority 0: it leaves MASTER (§6.4.3). Heard as MASTER and still MASTER: it must yield to
    // us (the core tracks one that does not). Followed as BACKUP: it is the MASTER.
    if (priority === 0 || stateAfter === 'master') view.word = { master: false, from: 'advert' };
    else if (stateAfter === 'backup') view.word = { master: true, from: 'advert' };
  }

  private handlePeerState(nowMs: number, peer: string, state: VrrpState): void {
    const view = this.peers.get(peer);
    if (view === undefined) return;
    // An advert within the last interval is fresher news: a MASTER that yields right after its
    // advert may still have a probe of its own in flight that says MASTER.
    const recent =
      view.lastAdvertAtMs !== undefined &&
      nowMs - view.lastAdvertAtMs < this.config.advertIntervalMs;
    if (state === 'master' && recent) return;
    view.word = { master: state === 'master', from: 'beacon' };
  }

  private evaluate(nowMs: number): SplitBrainChange[] {
    const silenceMs = SILENCE_INTERVALS * this.config.advertIntervalMs;
    const wanted = new Map<string, Omit<SplitBrainDiagnosis, 'sinceMs'>>();
    if (this.state === 'master') {
      for (const [peer, view] of this.peers) {
        const silent =
          view.lastAdvertAtMs === undefined || nowMs - view.lastAdvertAtMs >= silenceMs;
        if (view.word?.master === true && view.reachable && silent) {
          wanted.set(`adverts-blocked ${peer}`, {
            reason: 'adverts-blocked',
            peer,
            message: this.blockedMessage(peer, view.word.from),
          });
        }
      }
      const lower = this.lowerMaster;
      if (
        lower !== undefined &&
        nowMs - lower.sinceMs >= silenceMs &&
        nowMs - lower.lastHeardAtMs < silenceMs
      ) {
        wanted.set(`lower-master-not-yielding ${lower.src}`, {
          reason: 'lower-master-not-yielding',
          peer: lower.src,
          message:
            `split brain suspected: ${lower.src} (priority ${lower.priority}) keeps advertising ` +
            `as MASTER below our priority and does not yield, so it does not hear our adverts: ${CAUSE} towards it`,
        });
      }
    }
    const changes: SplitBrainChange[] = [];
    for (const [key, diagnosis] of this.active) {
      if (wanted.has(key)) continue;
      this.active.delete(key);
      changes.push({ type: 'cleared', diagnosis, nowMs });
    }
    for (const [key, found] of wanted) {
      if (this.active.has(key)) continue;
      const diagnosis = { ...found, sinceMs: nowMs };
      this.active.set(key, diagnosis);
      changes.push({ type: 'suspected', diagnosis });
    }
    return changes;
  }

  private blockedMessage(peer: string, from: 'beacon' | 'advert'): string {
    const answers = `answers ${this.config.probeName ?? 'its probe'}`;
    const seen =
      from === 'beacon'
        ? `${answers} and says it is MASTER, yet none of its VRRP adverts arrive`
        : `${answers}, yet its VRRP adverts stopped (or its VRRP daemon did)`;
    return `split brain suspected: both MASTER; peer ${peer} ${seen}: ${CAUSE} between the peers`;
  }
}
