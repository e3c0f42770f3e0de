// The serverless controller's runtime: probes, reads, decisions and moves for every group, driven
// by the Lambda handler (handler.ts). A scheduled run probes each group every interval until the
// time it is given, so a holder that fails is noticed after fall × interval; a state-change event
// is checked with EC2 and evaluated at once. Every decision is the pure logic's (logic/): this
// file does the I/O around it and writes one log line and one metrics line per evaluation.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Logger } from 'pino';
import { AwsProvider } from '../aws/aws-provider.js';
import type { CallObserver } from '../aws/call.js';
import { describeInstanceState } from '../aws/instance-state.js';
import { CloudApiError } from '../errors.js';
import type { FenceRecord, Ownership } from '../provider.js';
import type { ReconcilerSettings } from '../reconcile/settings.js';
import { DEFAULT_RECONCILER_SETTINGS } from '../reconcile/settings.js';
import { realTiming, type CloudTiming } from '../timing.js';
import type { ControllerConfig } from './config.js';
import { emfLine, type EmfMetric } from './emf.js';
import { ControllerState } from './logic/controller-state.js';
import { controllerFenceOwner } from './logic/owner.js';
import type { ControllerGroup, GroupDecision } from './logic/types.js';
import { moveGroup, type MoveResult } from './mover.js';
import { probeCandidate, type CandidateProbe } from './probe.js';

/** EC2's states in which an instance can hold nothing (EC2 instance lifecycle). */
const DOWN_STATES = new Set(['stopping', 'stopped', 'shutting-down', 'terminated']);

/** A move stops waiting this long before the invocation ends, to log what it got to. */
const MOVE_END_MARGIN_MS = 500;

export interface ControllerOptions {
  readonly config: ControllerConfig;
  readonly client: EC2Client;
  readonly logger: Logger;
  readonly timing?: CloudTiming | undefined;
  readonly probe?: CandidateProbe | undefined;
  /** Where EMF lines go (stdout in Lambda, which CloudWatch Logs reads). */
  readonly emit?: ((line: string) => void) | undefined;
  /** Each EC2 call is abandoned after this long. */
  readonly callTimeoutMs?: number | undefined;
  readonly settings?: Partial<ReconcilerSettings> | undefined;
  /** A move not confirmed by then is left to the next evaluation. */
  readonly moveTimeoutMs?: number | undefined;
}

/** What a run did, returned to the Lambda runtime (and to tests). */
export interface RunSummary {
  readonly evaluations: number;
  readonly moves: readonly { group: string; to: string; outcome: MoveResult['outcome'] }[];
  /** Each group's last decision in this run. */
  readonly decisions: Readonly<Record<string, { action: string; why: string }>>;
  readonly note?: string | undefined;
}

interface Tally {
  evaluations: number;
  moves: { group: string; to: string; outcome: MoveResult['outcome'] }[];
  decisions: Record<string, { action: string; why: string }>;
}

export class Controller {
  readonly state: ControllerState;
  private readonly timing: CloudTiming;
  private readonly probe: CandidateProbe;
  private readonly callTimeoutMs: number;
  private readonly settings: ReconcilerSettings;
  /** Per group: reads owners and fence records (its identity names no one who claims). */
  private readonly readers = new Map<string, AwsProvider>();
  /** One evaluation of a group at a time. */
  private readonly busy = new Map<string, Promise<unknown>>();
  private readonly logs = new Map<string, Logger>();
  private readonly observer: CallObserver;
  private mutatingCalls = 0;
  /** The invocation ends then (the Lambda's timeout): a move gives up before. */
  private invocationEndMs = Infinity;

  constructor(private readonly options: ControllerOptions) {
    const { config } = options;
    this.timing = options.timing ?? realTiming;
    this.probe = options.probe ?? probeCandidate;
    this.callTimeoutMs = options.callTimeoutMs ?? 2_000;
    this.settings = {
      ...DEFAULT_RECONCILER_SETTINGS,
      fenceLeaseMs: config.fenceLeaseMs,
      ...options.settings,
    };
    this.state = new ControllerState(
      config.groups,
      config.controllerId,
      this.settings.fenceLeaseMs,
    );
    this.observer = (event) => {
      if (!event.call.startsWith('Describe')) this.mutatingCalls++;
    };
    for (const group of config.groups) {
      const first = group.candidates[0];
      if (first === undefined) continue;
      this.logs.set(group.name, options.logger.child({ group: group.name }));
      this.readers.set(
        group.name,
        new AwsProvider({
          client: options.client,
          identity: {
            instanceId: controllerFenceOwner(config.controllerId, 'reader'),
            networkInterfaceId: first.networkInterfaceId,
            // A secondary IP's candidates share its subnet (config.ts checks): reads scope to it.
            subnetId: first.subnetId,
            region: config.region,
          },
          callTimeoutMs: this.callTimeoutMs,
          observer: this.observer,
        }),
      );
    }
  }

  get schedulePeriodMs(): number {
    return this.options.config.schedulePeriodMs;
  }

  /** EC2 calls that change something (claims, fence writes) since the controller started. */
  get changingCalls(): number {
    return this.mutatingCalls;
  }

  /** The scheduled run: every group probed and evaluated each interval until `untilMs`. */
  async runScheduled(untilMs: number, invocationEndMs = Infinity): Promise<RunSummary> {
    this.invocationEndMs = invocationEndMs;
    const tally: Tally = { evaluations: 0, moves: [], decisions: {} };
    await Promise.all(this.state.groups.map((g) => this.loop(g, untilMs, tally)));
    return tally;
  }

  /**
   * EventBridge said an instance changed state. The event may be a duplicate or older than what
   * happened since, so EC2 is asked for the state now and only that is acted on.
   */
  async onInstanceState(
    instanceId: string,
    eventState: string,
    invocationEndMs = Infinity,
  ): Promise<RunSummary> {
    this.invocationEndMs = invocationEndMs;
    const tally: Tally = { evaluations: 0, moves: [], decisions: {} };
    const groups = this.state.groupsOf(instanceId);
    const log = this.options.logger.child({ instanceId });
    if (groups.length === 0) {
      log.info({ event: 'state-change-ignored', eventState }, `${instanceId} is no candidate`);
      return { ...tally, note: 'not a candidate' };
    }
    const state = await this.instanceState(instanceId);
    const nowMs = this.timing.nowMs();
    if (!DOWN_STATES.has(state)) {
      log.info(
        { event: 'state-change-stale', eventState, state },
        `event said ${eventState}, EC2 says ${state}: nothing to do`,
      );
      return { ...tally, note: `EC2 says ${state}` };
    }
    this.state.instanceDown(instanceId, nowMs);
    log.info({ event: 'instance-down', eventState, state }, `${instanceId} is ${state}`);
    await Promise.all(
      groups.map((group) =>
        this.exclusive(group, async () => {
          // The other candidates must be known healthy now, not minutes ago: `rise` probes back
          // to back (a cold environment knows nothing of them yet).
          const others = group.candidates.filter((c) => c.instanceId !== instanceId);
          for (let i = 0; i < group.health.rise; i++) await this.probeAll(group, others);
          await this.evaluate(group, tally);
        }),
      ),
    );
    return tally;
  }

  private async instanceState(instanceId: string): Promise<string> {
    const deps = { client: this.options.client, context: { timeoutMs: this.callTimeoutMs } };
    for (let attempt = 1; ; attempt++) {
      try {
        return (await describeInstanceState(deps, instanceId)) ?? 'terminated';
      } catch (error) {
        // EC2 forgets a terminated instance after a while: not found is gone.
        if (error instanceof CloudApiError && error.reason === 'CLOUD_NOT_FOUND') {
          return 'terminated';
        }
        // Once more after a throttle or a timeout: Lambda's own retry comes a minute later.
        const retryable = error instanceof CloudApiError && error.retryable;
        if (!retryable || attempt >= 2) throw error;
        await this.timing.sleep(200);
      }
    }
  }

  private async loop(group: ControllerGroup, untilMs: number, tally: Tally): Promise<void> {
    const intervalMs = group.health.intervalMs;
    // An iteration must end before the invocation does: its probes, its reads and a move's
    // first calls (a move not confirmed by then is left to the next run).
    const iterationMs = group.health.timeoutMs + 2 * this.callTimeoutMs + MOVE_END_MARGIN_MS;
    const lastStartMs = Math.min(untilMs, this.invocationEndMs - iterationMs);
    let nextMs = this.timing.nowMs();
    while (nextMs < lastStartMs) {
      const waitMs = nextMs - this.timing.nowMs();
      if (waitMs > 0) await this.timing.sleep(waitMs);
      const startedMs = this.timing.nowMs();
      await this.exclusive(group, async () => {
        await this.probeAll(group, group.candidates);
        await this.evaluate(group, tally);
      });
      // A fixed rate: the next probes an interval after these started, or now if we overran.
      nextMs = Math.max(startedMs + intervalMs, this.timing.nowMs());
    }
  }

  private async exclusive(group: ControllerGroup, work: () => Promise<void>): Promise<void> {
    const before = this.busy.get(group.name) ?? Promise.resolve();
    const mine = before.then(work, work);
    this.busy.set(group.name, mine);
    await mine;
  }

  private async probeAll(
    group: ControllerGroup,
    candidates: ControllerGroup['candidates'],
  ): Promise<void> {
    const log = this.logOf(group);
    await Promise.all(
      candidates.map(async (candidate) => {
        const atMs = this.timing.nowMs();
        let ok = false;
        let detail: string | undefined;
        try {
          const outcome = await this.probe(candidate, group.health);
          ok = outcome.ok;
          detail = outcome.detail;
        } catch (error) {
          detail = error instanceof Error ? error.message : String(error);
        }
        const before = this.state.healthOf(group.name, candidate.instanceId);
        const after = this.state.recordProbe(group.name, candidate.instanceId, ok, atMs);
        if (after !== before) {
          log.info(
            { event: 'health', instanceId: candidate.instanceId, health: after, detail },
            `${candidate.instanceId} is ${after}`,
          );
        }
      }),
    );
  }

  private async evaluate(group: ControllerGroup, tally: Tally): Promise<void> {
    const log = this.logOf(group);
    const reader = this.readers.get(group.name);
    if (reader === undefined) return;
    tally.evaluations++;
    let owners: Ownership[];
    let records: (readonly FenceRecord[])[];
    try {
      [owners, records] = await Promise.all([
        Promise.all(group.targets.map((t) => reader.observe(t))),
        Promise.all(group.targets.map((t) => reader.readFences(t))),
      ]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const why = `cannot read the targets: ${message}`;
      tally.decisions[group.name] = { action: 'wait', why };
      log.warn({ event: 'decision', action: 'wait', why }, `${group.name}: wait: ${why}`);
      this.metrics(group, 0, undefined, 1);
      return;
    }
    const nowMs = this.timing.nowMs();
    const { holding, decision, healthy } = this.state.evaluate(group, owners, records, nowMs);
    tally.decisions[group.name] = { action: decision.action, why: decision.why };
    log.info(
      { event: 'decision', ...decisionFields(decision), holding, healthy },
      `${group.name}: ${decision.action}: ${decision.why}`,
    );
    if (decision.action !== 'move') {
      this.metrics(group, healthy, undefined, 0);
      return;
    }
    // Probes may still pass on a host EC2 is stopping (its services go last), and another
    // execution environment may have seen its state-change event: ask EC2 before moving there.
    const state = await this.instanceState(decision.to.instanceId).catch((e: unknown) => e);
    if (state !== 'running') {
      const why =
        typeof state === 'string'
          ? `${decision.to.instanceId} is ${state} (EC2): no move there`
          : `cannot read ${decision.to.instanceId}'s state: ${String(state)}`;
      if (typeof state === 'string' && DOWN_STATES.has(state)) {
        this.state.instanceDown(decision.to.instanceId, this.timing.nowMs());
      }
      tally.decisions[group.name] = { action: 'wait', why };
      log.warn({ event: 'decision', action: 'wait', why }, `${group.name}: wait: ${why}`);
      this.metrics(group, healthy, undefined, 0);
      return;
    }
    const result = await moveGroup({
      group,
      to: decision.to,
      controllerId: this.options.config.controllerId,
      region: this.options.config.region,
      client: this.options.client,
      callTimeoutMs: this.callTimeoutMs,
      logger: log,
      timing: this.timing,
      settings: this.settings,
      deadlineMs: Math.min(
        this.timing.nowMs() + (this.options.moveTimeoutMs ?? 15_000),
        this.invocationEndMs - MOVE_END_MARGIN_MS,
      ),
      observer: this.observer,
    });
    tally.moves.push({ group: group.name, to: decision.to.instanceId, outcome: result.outcome });
    const took = (atMs: number | undefined): number | undefined =>
      atMs === undefined ? undefined : Math.round(atMs - result.startedAtMs);
    log[result.outcome === 'confirmed' ? 'info' : 'warn'](
      {
        event: 'moved',
        to: decision.to.instanceId,
        outcome: result.outcome,
        acceptedMs: took(result.acceptedAtMs),
        confirmedMs: took(result.confirmedAtMs),
        targets: result.targets.map((t) => ({ name: t.name, phase: t.phase, error: t.lastError })),
      },
      `${group.name}: move to ${decision.to.instanceId}: ${result.outcome}`,
    );
    this.metrics(group, healthy, result, 0);
  }

  private metrics(
    group: ControllerGroup,
    healthy: number,
    move: MoveResult | undefined,
    readErrors: number,
  ): void {
    const emit = this.options.emit;
    if (emit === undefined) return;
    const metrics: EmfMetric[] = [
      { name: 'HealthyCandidates', unit: 'Count', value: healthy },
      { name: 'Moves', unit: 'Count', value: move === undefined ? 0 : 1 },
      { name: 'MovesFailed', unit: 'Count', value: move && move.outcome !== 'confirmed' ? 1 : 0 },
      { name: 'ReadErrors', unit: 'Count', value: readErrors },
    ];
    if (move?.confirmedAtMs !== undefined) {
      const value = move.confirmedAtMs - move.startedAtMs;
      metrics.push({ name: 'MoveConfirmedMs', unit: 'Milliseconds', value });
    }
    emit(emfLine(this.timing.nowMs(), { Group: group.name }, metrics));
  }

  private logOf(group: ControllerGroup): Logger {
    return this.logs.get(group.name) ?? this.options.logger;
  }
}

function decisionFields(decision: GroupDecision): Record<string, unknown> {
  switch (decision.action) {
    case 'move':
      return { action: 'move', to: decision.to.instanceId, why: decision.why };
    case 'keep':
      return { action: 'keep', holder: decision.instanceId, why: decision.why };
    case 'wait':
      return { action: 'wait', why: decision.why };
  }
}
