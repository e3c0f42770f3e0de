// The cloud side of one VRRP instance: the thin runner of its pure machine
// (reconcile/instance-machine.ts). It stamps inputs with the clock, makes the calls the machine
// asks for through the provider, feeds their results back, keeps one timer at the machine's next
// deadline, and writes the machine's notes as log lines and metrics. The agent calls
// becomeMaster()/becomeBackup() at the core's cloud-claim/cloud-release actions; nothing here
// waits on VRRP, and VRRP never waits on the cloud.
import type { Logger } from 'pino';
import { CloudApiError } from './errors.js';
import type { CloudMetrics } from './metrics.js';
import type { CloudProvider } from './provider.js';
import { InstanceMachine, type CloudRole } from './reconcile/instance-machine.js';
import { DEFAULT_RECONCILER_SETTINGS, type ReconcilerSettings } from './reconcile/settings.js';
import type { FailoverTimeline, TargetStatus } from './reconcile/status.js';
import type {
  CallOutcome,
  CloudCall,
  MachineCommand,
  MachineInput,
  MachineNote,
} from './reconcile/types.js';
import type { CloudTarget } from './target.js';
import { epochNowMs, monotonicNowMs, nextTurn, realTiming, type CloudTiming } from './timing.js';

export type { CloudRole } from './reconcile/instance-machine.js';

export interface ReconcilerOptions {
  /** The VRRP instance's name (a metric label and log field). */
  readonly instance: string;
  readonly targets: readonly CloudTarget[];
  readonly logger: Logger;
  readonly settings?: Partial<ReconcilerSettings> | undefined;
  readonly timing?: CloudTiming | undefined;
  readonly metrics?: CloudMetrics | undefined;
}

export interface ReconcilerStatus {
  readonly role: CloudRole;
  /** Discovery done: the provider knows who "me" is. */
  readonly ready: boolean;
  readonly fenced: boolean;
  readonly targets: readonly TargetStatus[];
}

export class Reconciler {
  private readonly machine: InstanceMachine;
  private readonly timing: CloudTiming;
  private readonly logs: readonly Logger[];
  private provider: CloudProvider | undefined;
  private readonly calls = new Map<number, AbortController>();
  private timer: { readonly deadlineMs: number; readonly abort: AbortController } | undefined;
  /** detach(): the machine is no longer driven. */
  private detached = false;
  /** Waiting for these calls to end. */
  private waiters: { readonly callIds: ReadonlySet<number>; readonly resolve: () => void }[] = [];

  constructor(private readonly options: ReconcilerOptions) {
    this.timing = options.timing ?? realTiming;
    this.machine = new InstanceMachine({
      targets: options.targets,
      settings: { ...DEFAULT_RECONCILER_SETTINGS, ...options.settings },
      random: () => this.timing.random(),
    });
    this.logs = this.machine.machines.map((m) => options.logger.child({ target: m.name }));
  }

  /** Discovery finished (possibly after the instance already became MASTER). */
  setProvider(provider: CloudProvider): void {
    this.provider = provider;
    const { instanceId, networkInterfaceId } = provider.identity;
    this.step({
      type: 'ready',
      nowMs: this.timing.nowMs(),
      identity: { instanceId, networkInterfaceId },
    });
  }

  /** The core decided MASTER at `atMs` (the clock of CloudTiming): claim every target now. */
  becomeMaster(atMs: number): void {
    this.step({ type: 'master', nowMs: this.timing.nowMs(), atMs });
  }

  /** No longer MASTER: stop claiming at once. Resolves once the cancelled calls have ended. */
  becomeBackup(): Promise<void> {
    const inFlight = new Set(this.calls.keys());
    this.step({ type: 'backup', nowMs: this.timing.nowMs() });
    // A BACKUP is a BACKUP at once; the write marking our record released goes on after.
    return this.whenEnded(inFlight);
  }

  /**
   * As MASTER we heard a lower-priority advert: the other router stepped down, so VRRP has settled
   * the group in our favour and a fence its term put on us no longer stands.
   */
  peerYielded(atMs: number): void {
    this.step({ type: 'settled', nowMs: this.timing.nowMs(), atMs });
  }

  /** Agent shutdown: stop claiming, and let our fence records be marked released first. */
  async stop(): Promise<void> {
    this.step({ type: 'backup', nowMs: this.timing.nowMs() });
    while (!this.machine.quiescent || this.calls.size > 0) {
      await this.whenEnded(new Set(this.calls.keys()));
    }
  }

  /**
   * Stop driving the machine without leaving MASTER: no release is written, so our fence
   * records stand as they are. For the serverless controller, which moves a group's targets
   * on a candidate's behalf and is done once they are confirmed there; its record stays the
   * holder's until an agent or a later move takes a newer term.
   */
  detach(): void {
    this.detached = true;
    this.timer?.abort.abort();
    this.timer = undefined;
    for (const abort of this.calls.values())
      abort.abort(new Error('cloud call cancelled: detached'));
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  status(): ReconcilerStatus {
    return {
      role: this.machine.currentRole,
      ready: this.machine.isReady,
      fenced: this.machine.fenced,
      targets: this.machine.status(),
    };
  }

  private step(input: MachineInput): void {
    if (this.detached) return;
    const commands = this.machine.step(input);
    this.execute(commands);
    this.afterStep();
  }

  private execute(commands: readonly MachineCommand[]): void {
    // A claim goes on the wire in this turn, alone, and the calls that came with it one turn
    // later: the SDK turns a call into a request over many promise steps, and calls started
    // together reach the wire late together (measured: ~10 ms for the first claim). Calls without
    // a claim go after this turn's synchronous work (a flap in the same turn cancels them unsent).
    const calls: (MachineCommand & { type: 'call' })[] = [];
    const notes: (MachineCommand & { type: 'note' })[] = [];
    for (const command of commands) {
      if (command.type === 'note') notes.push(command);
      else if (command.type === 'cancel') {
        for (const id of command.callIds) {
          this.calls.get(id)?.abort(new Error('cloud call cancelled: role changed'));
        }
      } else {
        // Registered now, so a cancel before it starts finds it.
        this.calls.set(command.callId, new AbortController());
        calls.push(command);
      }
    }
    const first = calls.findIndex((c) => c.call.kind === 'claim');
    const claim = calls[first];
    if (claim !== undefined) {
      this.call(claim.target, claim.callId, claim.call);
      calls.splice(first, 1);
    }
    // The log lines after the claim: writing them costs the claim a millisecond otherwise.
    for (const note of notes) this.write(note.target, note.note);
    if (calls.length === 0) return;
    const send = (): void => {
      for (const c of calls) this.call(c.target, c.callId, c.call);
    };
    if (claim !== undefined) void nextTurn().then(send);
    else queueMicrotask(send);
  }

  private call(target: number, callId: number, call: CloudCall): void {
    const abort = this.calls.get(callId) ?? new AbortController();
    this.calls.set(callId, abort);
    const provider = this.provider;
    const subject = this.options.targets[target] as CloudTarget;
    const finish = (outcome: CallOutcome): void => {
      this.calls.delete(callId);
      this.step({ type: 'result', nowMs: this.timing.nowMs(), callId, outcome });
    };
    if (provider === undefined || abort.signal.aborted) {
      const reason: unknown = abort.signal.reason ?? new Error('no cloud provider yet');
      queueMicrotask(() => finish(notSent(failure(call, reason))));
      return;
    }
    const options = { signal: abort.signal };
    let pending: Promise<CallOutcome>;
    switch (call.kind) {
      case 'claim':
        pending = provider.claim(subject, options).then(() => ({ ok: true, kind: 'claim' }));
        break;
      case 'writeFence':
        pending = provider
          .writeFence(subject, call.record, options)
          .then(() => ({ ok: true, kind: 'writeFence' }));
        break;
      case 'observe':
        pending = provider.observe(subject, options).then((o) => ({
          ok: true,
          kind: 'observe',
          ownerNetworkInterfaceId: o.ownerNetworkInterfaceId,
          ...(o.detail === undefined ? {} : { detail: o.detail }),
        }));
        break;
      case 'readFences':
        pending = provider
          .readFences(subject, options)
          .then((records) => ({ ok: true, kind: 'readFences', records }));
        break;
    }
    pending.then(finish, (error: unknown) => finish(failure(call, error)));
  }

  private afterStep(): void {
    this.rearm();
    this.updateGauges();
    const ended = (w: { callIds: ReadonlySet<number> }): boolean =>
      [...w.callIds].every((id) => !this.calls.has(id));
    const done = this.waiters.filter(ended);
    this.waiters = this.waiters.filter((w) => !ended(w));
    for (const w of done) w.resolve();
  }

  private rearm(): void {
    const deadlineMs = this.machine.nextDeadlineMs();
    if (deadlineMs === this.timer?.deadlineMs) return;
    this.timer?.abort.abort();
    this.timer = undefined;
    if (deadlineMs === undefined) return;
    const abort = new AbortController();
    const timer = { deadlineMs, abort };
    this.timer = timer;
    this.timing.sleep(Math.max(0, deadlineMs - this.timing.nowMs()), abort.signal).then(
      () => {
        if (this.timer !== timer) return;
        this.timer = undefined;
        this.step({ type: 'timer', nowMs: Math.max(this.timing.nowMs(), deadlineMs) });
      },
      () => undefined,
    );
  }

  private whenEnded(callIds: ReadonlySet<number>): Promise<void> {
    if ([...callIds].every((id) => !this.calls.has(id))) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ callIds, resolve }));
  }

  private write(target: number, note: MachineNote): void {
    const log = this.logs[target] ?? this.options.logger;
    const fields: Record<string, unknown> = { event: note.event, ...note.fields };
    const metrics = this.options.metrics;
    const labels = {
      instance: this.options.instance,
      target: this.machine.machines[target]?.name ?? '',
    };
    switch (note.event) {
      case 'cloud-claim': {
        // The decision on the host-wide monotonic clock too, for comparison with other processes.
        const startedAtMs = Number(note.fields?.startedAtMs);
        fields.startedMonoMs = monotonicNowMs() - (epochNowMs() - startedAtMs);
        break;
      }
      case 'cloud-claim-accepted': {
        const timeline = note.fields?.timeline as FailoverTimeline;
        delete fields.timeline;
        metrics?.claims.inc({ ...labels, result: 'accepted' });
        if (timeline.firstRequestAtMs !== undefined) {
          metrics?.failoverDuration.observe(
            { stage: 'first_request' },
            (timeline.firstRequestAtMs - timeline.startedAtMs) / 1000,
          );
        }
        const acceptedAtMs = timeline.acceptedAtMs ?? timeline.startedAtMs;
        metrics?.failoverDuration.observe(
          { stage: 'accepted' },
          (acceptedAtMs - timeline.startedAtMs) / 1000,
        );
        break;
      }
      case 'cloud-claim-repeated':
        metrics?.claims.inc({ ...labels, result: 'accepted' });
        break;
      case 'cloud-confirmed': {
        const timeline = note.fields?.timeline as FailoverTimeline;
        delete fields.timeline;
        const confirmedAtMs = timeline.confirmedAtMs ?? timeline.startedAtMs;
        metrics?.failoverDuration.observe(
          { stage: 'confirmed' },
          (confirmedAtMs - timeline.startedAtMs) / 1000,
        );
        break;
      }
      default:
        break;
    }
    log[note.level](fields, note.message);
  }

  private updateGauges(): void {
    const metrics = this.options.metrics;
    if (metrics === undefined) return;
    for (const status of this.machine.status()) {
      const labels = { instance: this.options.instance, target: status.name };
      metrics.converged.set(labels, status.phase === 'converged' ? 1 : 0);
      metrics.fenced.set(labels, status.fencedBy === undefined ? 0 : 1);
    }
  }
}

function notSent(outcome: CallOutcome): CallOutcome {
  return outcome.ok ? outcome : { ok: false, failure: { ...outcome.failure, notSent: true } };
}

function failure(call: CloudCall, error: unknown): CallOutcome {
  if (error instanceof CloudApiError) {
    return {
      ok: false,
      failure: {
        call: error.call,
        code: error.reason,
        message: error.message,
        retryable: error.retryable,
      },
    };
  }
  return {
    ok: false,
    failure: {
      call: call.kind,
      code: 'UNEXPECTED',
      message: error instanceof Error ? error.message : String(error),
      retryable: false,
    },
  };
}
