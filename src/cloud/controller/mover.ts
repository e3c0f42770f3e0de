// One move of a group's targets to a candidate, made with floatd's own reconciler: a takeover
// under a new fence term (written as the controller's record for that candidate, owner.ts),
// the claims in their order, and read-back until EC2 shows every target on the candidate. Then
// the reconciler is detached, not stopped: its record stays the holder's, so an agent or a
// later move must take a newer term, as with any agent's takeover.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Logger } from 'pino';
import { AwsProvider } from '../aws/aws-provider.js';
import type { CallObserver } from '../aws/call.js';
import { Reconciler } from '../reconciler.js';
import type { ReconcilerSettings } from '../reconcile/settings.js';
import type { TargetStatus } from '../reconcile/status.js';
import type { CloudTiming } from '../timing.js';
import { controllerFenceOwner } from './logic/owner.js';
import type { Candidate, ControllerGroup } from './logic/types.js';

export interface MoveOptions {
  readonly group: ControllerGroup;
  readonly to: Candidate;
  readonly controllerId: string;
  readonly region: string;
  readonly client: EC2Client;
  readonly callTimeoutMs: number;
  readonly logger: Logger;
  readonly timing: CloudTiming;
  readonly settings: Partial<ReconcilerSettings>;
  /** Give up (the next evaluation tries again) if not every target is confirmed by then. */
  readonly deadlineMs: number;
  readonly observer?: CallObserver | undefined;
}

export interface MoveResult {
  readonly outcome: 'confirmed' | 'fenced' | 'timed-out';
  readonly startedAtMs: number;
  /** Every claim accepted by EC2 (the last target's). */
  readonly acceptedAtMs?: number | undefined;
  /** Every target read back on the candidate. */
  readonly confirmedAtMs?: number | undefined;
  readonly targets: readonly TargetStatus[];
}

/** How often the mover looks at the reconciler's status while it works. */
const POLL_MS = 5;

export async function moveGroup(options: MoveOptions): Promise<MoveResult> {
  const { group, to, timing } = options;
  const reconciler = new Reconciler({
    instance: group.name,
    targets: group.targets,
    logger: options.logger.child({ component: 'reconciler', to: to.instanceId }),
    settings: options.settings,
    timing,
  });
  const provider = new AwsProvider({
    client: options.client,
    identity: {
      // The fence owner: the records are the controller's, on the candidate's behalf.
      instanceId: controllerFenceOwner(options.controllerId, to.instanceId),
      networkInterfaceId: to.networkInterfaceId,
      subnetId: to.subnetId,
      region: options.region,
    },
    callTimeoutMs: options.callTimeoutMs,
    observer: options.observer,
  });
  const startedAtMs = timing.nowMs();
  reconciler.setProvider(provider);
  reconciler.becomeMaster(startedAtMs);
  try {
    for (;;) {
      const { targets, fenced } = reconciler.status();
      const done = targets.every((t) => t.phase === 'converged');
      if (done || fenced || timing.nowMs() >= options.deadlineMs) {
        const outcome = done ? 'confirmed' : fenced ? 'fenced' : 'timed-out';
        return { outcome, startedAtMs, ...timesOf(targets), targets };
      }
      await timing.sleep(POLL_MS);
    }
  } finally {
    reconciler.detach();
  }
}

function timesOf(targets: readonly TargetStatus[]): {
  acceptedAtMs?: number | undefined;
  confirmedAtMs?: number | undefined;
} {
  const last = (pick: (t: TargetStatus) => number | undefined): number | undefined => {
    const times = targets.map(pick);
    return times.every((t) => t !== undefined) ? Math.max(...times) : undefined;
  };
  return {
    acceptedAtMs: last((t) => t.timeline?.acceptedAtMs),
    confirmedAtMs: last((t) => t.timeline?.confirmedAtMs),
  };
}
