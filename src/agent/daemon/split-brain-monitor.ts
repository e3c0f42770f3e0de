// One instance's split-brain diagnosis at run time: feeds the pure machine (vrrp/split-brain.ts)
// what the instance hears and what the probes say, logs one line when a diagnosis starts and one
// when it clears, and shows what stands in the status (and so on /metrics and SIGUSR1).
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { PeerProbeConfig } from '../config/peer-probe-fields.js';
import type { SplitBrainStatus } from '../status/instance-status.js';
import { SplitBrainWatch } from '../vrrp/split-brain.js';
import type { SplitBrainChange, SplitBrainInput } from '../vrrp/split-brain.js';
import type { LowerMaster, VirtualRouterSnapshot, VrrpState } from '../vrrp/types.js';

export interface SplitBrainMonitorDeps {
  readonly peers: readonly string[];
  readonly advertIntervalMs: number;
  readonly probe: PeerProbeConfig;
  readonly clock: Clock;
  readonly logger: Logger;
}

type Untimed<T> = T extends { nowMs: number } ? Omit<T, 'nowMs'> : never;

export class SplitBrainMonitor {
  private readonly watch: SplitBrainWatch;
  private state: VrrpState = 'initialize';
  private lowerMaster: LowerMaster | undefined;

  constructor(private readonly deps: SplitBrainMonitorDeps) {
    this.watch = new SplitBrainWatch({
      peers: deps.peers,
      advertIntervalMs: deps.advertIntervalMs,
      probeName: probeName(deps.probe),
    });
  }

  /** After each input the core handled: its state and a lower MASTER that does not yield. */
  afterCoreInput(snap: VirtualRouterSnapshot): void {
    if (snap.state !== this.state) {
      this.state = snap.state;
      const reason = snap.lastTransition?.reason ?? 'startup';
      this.feed({ type: 'state', state: snap.state, reason });
    }
    const lower = snap.lowerMaster;
    if (lower !== this.lowerMaster) {
      this.lowerMaster = lower;
      this.feed({ type: 'lower-master', lowerMaster: lower });
    }
  }

  advert(src: string, priority: number, stateAfter: VrrpState): void {
    this.feed({ type: 'advert', src, priority, stateAfter });
  }

  probed(peer: string, ok: boolean): void {
    this.feed({ type: 'probe', peer, ok });
  }

  peerSaid(peer: string, state: VrrpState): void {
    this.feed({ type: 'peer-state', peer, state });
  }

  /** What is suspected now; empty when nothing is. */
  status(): SplitBrainStatus[] {
    const { clock } = this.deps;
    const nowMs = clock.nowMs();
    return this.watch.diagnoses().map((d) => ({
      reason: d.reason,
      peer: d.peer,
      since: new Date(clock.epochMs() - (nowMs - d.sinceMs)).toISOString(),
      message: d.message,
    }));
  }

  private feed(input: Untimed<SplitBrainInput>): void {
    const changes = this.watch.handle({
      ...input,
      nowMs: this.deps.clock.nowMs(),
    } as SplitBrainInput);
    for (const change of changes) this.log(change);
  }

  private log(change: SplitBrainChange): void {
    const { reason, peer, message, sinceMs } = change.diagnosis;
    if (change.type === 'suspected') {
      this.deps.logger.warn({ event: 'split-brain-suspected', reason, peer }, message);
      return;
    }
    const lastedMs = Math.round(change.nowMs - sinceMs);
    this.deps.logger.info(
      { event: 'split-brain-cleared', reason, peer, lastedMs },
      `split brain cleared (${reason}, peer ${peer}) after ${lastedMs} ms`,
    );
  }
}

function probeName(probe: PeerProbeConfig): string | undefined {
  switch (probe.kind) {
    case 'icmp':
      return 'ICMP echo';
    case 'tcp':
      return `TCP port ${probe.port}`;
    case 'ec2':
      return 'the EC2 check (its instance is running)';
    case 'off':
      return undefined;
  }
}
