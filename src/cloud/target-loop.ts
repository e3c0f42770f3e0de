// One cloud target of one VRRP instance, reconciled level-triggered: while MASTER, drive the cloud
// toward "owner is me", verify by reading back, and keep re-checking; never claim otherwise.
// Every step is a log line; failures retry with jittered backoff and never end the loop.
import type { Logger } from 'pino';
import { backoffDelayMs } from './backoff.js';
import { CloudApiError } from './errors.js';
import { highestTerm, nextTerm, supersedingRecord } from './fencing.js';
import type { CloudMetrics } from './metrics.js';
import type { CloudProvider, FenceRecord } from './provider.js';
import type { ReconcilerSettings } from './reconciler-settings.js';
import { targetName, type CloudTarget, type CloudTargetKind } from './target.js';
import { epochNowMs, monotonicNowMs, nextTurn, type CloudTiming } from './timing.js';

export type TargetPhase =
  | 'idle' // not MASTER: nothing to do
  | 'waiting-for-cloud' // MASTER, but discovery (IMDS) has not finished
  | 'claiming'
  | 'verifying'
  | 'converged'
  | 'fenced';

/** Why a takeover started. */
export type TakeoverTrigger = 'became-master' | 'peer-yielded' | 'fence-lifted' | 'fence-expired';

/** High-resolution epoch ms of each failover stage (shown in status; compared with the emulator's log). */
export interface FailoverTimeline {
  readonly trigger: TakeoverTrigger;
  readonly term: number;
  readonly startedAtMs: number;
  firstRequestAtMs?: number;
  acceptedAtMs?: number;
  confirmedAtMs?: number;
}

export interface TargetError {
  readonly call: string;
  readonly code: string;
  readonly message: string;
  readonly atMs: number;
}

export interface TargetStatus {
  readonly name: string;
  readonly kind: CloudTargetKind;
  readonly phase: TargetPhase;
  readonly term: number | undefined;
  /** The ENI the last read-back named. */
  readonly observedOwner: string | undefined;
  readonly fencedBy: { readonly owner: string; readonly term: number } | undefined;
  readonly claims: number;
  readonly lastError: TargetError | undefined;
  readonly timeline: FailoverTimeline | undefined;
}

export interface TargetLoopDeps {
  readonly instance: string;
  readonly target: CloudTarget;
  /** Resolves once the cloud identity is known (discovery may still be retrying). */
  readonly provider: (signal: AbortSignal) => Promise<CloudProvider>;
  /** The provider if discovery has finished, without waiting. */
  readonly knownProvider?: (() => CloudProvider | undefined) | undefined;
  readonly timing: CloudTiming;
  readonly settings: ReconcilerSettings;
  readonly logger: Logger;
  readonly metrics?: CloudMetrics | undefined;
}

type Step = 'claim' | 'observe' | 'readFences' | 'writeFence';

export class TargetLoop {
  readonly name: string;
  private phase: TargetPhase = 'idle';
  private abort: AbortController | undefined;
  private running: Promise<void> = Promise.resolve();
  private term: number | undefined;
  private beat = 0;
  private highestSeen = 0;
  private observedOwner: string | undefined;
  private fencedBy: FenceRecord | undefined;
  private claims = 0;
  private lastError: TargetError | undefined;
  private timeline: FailoverTimeline | undefined;
  /** When VRRP last settled the group in our favour (peerYielded): older terms fence no more. */
  private settledAtMs = -Infinity;
  private readonly log: Logger;

  constructor(private readonly deps: TargetLoopDeps) {
    this.name = targetName(deps.target);
    this.log = deps.logger.child({ target: this.name });
  }

  /** Start (or restart) claiming: we are MASTER. `atMs` is when the decision was made. */
  start(trigger: TakeoverTrigger, atMs: number): void {
    this.cancel();
    const abort = new AbortController();
    this.abort = abort;
    const run = this.run(trigger, atMs, abort.signal).catch((error: unknown) => {
      if (abort.signal.aborted) return;
      this.log.error({ err: error }, 'cloud reconciler stopped unexpectedly');
    });
    // A cancelled run may still have a call in flight: stop() waits for that one too.
    this.running = Promise.all([this.running, run]).then(() => undefined);
  }

  /** We left MASTER: stop at once; no claim starts after this returns. */
  stop(): Promise<void> {
    this.cancel();
    this.setPhase('idle');
    this.setFenced(undefined);
    return this.running;
  }

  get isFenced(): boolean {
    return this.phase === 'fenced';
  }

  /**
   * VRRP settled the group in our favour at `atMs`: a term taken before then no longer fences us,
   * even one we have not read yet (the peer took over and stepped down within one re-check).
   */
  settle(atMs: number): void {
    this.settledAtMs = Math.max(this.settledAtMs, atMs);
  }

  status(): TargetStatus {
    return {
      name: this.name,
      kind: this.deps.target.kind,
      phase: this.phase,
      term: this.term,
      observedOwner: this.observedOwner,
      fencedBy:
        this.fencedBy === undefined
          ? undefined
          : { owner: this.fencedBy.owner, term: this.fencedBy.term },
      claims: this.claims,
      lastError: this.lastError,
      timeline: this.timeline === undefined ? undefined : { ...this.timeline },
    };
  }

  private cancel(): void {
    this.abort?.abort(new Error('cloud reconciler cancelled: role changed'));
    this.abort = undefined;
  }

  private async run(trigger: TakeoverTrigger, atMs: number, signal: AbortSignal): Promise<void> {
    // Known provider (the usual case): no await, so the claim is sent in this very turn.
    let provider = this.deps.knownProvider?.();
    if (provider === undefined) {
      this.setPhase('waiting-for-cloud');
      provider = await this.deps.provider(signal);
      // A run that was cancelled must not touch the status once it resumes (see attempt()).
      signal.throwIfAborted();
    }
    let next: TakeoverTrigger | undefined = trigger;
    let startedAtMs = atMs;
    for (;;) {
      if (next !== undefined) {
        await this.takeover(provider, next, startedAtMs, signal);
        next = undefined;
      }
      if (this.phase === 'fenced') {
        if (this.fencedBy !== undefined && this.fencedBy.term <= this.settledAtMs) {
          this.log.info(
            { event: 'cloud-fence-settled', holder: this.fencedBy.owner, term: this.fencedBy.term },
            'the newer term predates VRRP settling the group: claiming again',
          );
          next = 'peer-yielded';
          startedAtMs = this.settledAtMs;
          continue;
        }
        next = await this.whileFenced(provider, signal);
        startedAtMs = this.deps.timing.nowMs();
        continue;
      }
      await this.pause(this.deps.settings.recheckIntervalMs, signal);
      await this.recheck(provider, signal);
    }
  }

  /** Take a new term, then claim and write our fence record together, then verify. */
  private async takeover(
    provider: CloudProvider,
    trigger: TakeoverTrigger,
    startedAtMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    const { timing } = this.deps;
    const me = provider.identity.instanceId;
    const term = nextTerm(this.highestSeen, timing.nowMs());
    this.term = term;
    this.beat = 0;
    this.setFenced(undefined);
    this.setPhase('claiming');
    const timeline: FailoverTimeline = { trigger, term, startedAtMs };
    this.timeline = timeline;
    // The claim first, on a turn of its own (nextTurn); the record right after: a takeover costs
    // one round trip, not two. A MASTER with an older term stops at its next re-check, when it
    // reads this record.
    timeline.firstRequestAtMs = timing.nowMs();
    const claimed = this.claimOnce(provider, signal).then(() => {
      signal.throwIfAborted();
      timeline.acceptedAtMs = timing.nowMs();
      this.stage('accepted', timeline);
      this.log.info(
        { event: 'cloud-claim-accepted', ms: round(timeline.acceptedAtMs - startedAtMs) },
        'cloud API accepted the claim',
      );
    });
    // The decision on the host-wide monotonic clock too, for comparison with other processes.
    const startedMonoMs = monotonicNowMs() - (epochNowMs() - startedAtMs);
    this.log.info(
      { event: 'cloud-claim', trigger, term, startedAtMs, startedMonoMs },
      'claiming cloud target',
    );
    const record: FenceRecord = { term, owner: me, beat: 0, released: false };
    const fenced = nextTurn().then(() =>
      this.attempt('writeFence', signal, () =>
        provider.writeFence(this.deps.target, record, { signal }),
      ),
    );
    await joinSteps(signal, fenced, claimed);
    await this.verify(provider, signal);
  }

  /** Read back until the cloud names us (it may lag the write), or a newer term fences us. */
  private async verify(provider: CloudProvider, signal: AbortSignal): Promise<void> {
    const { timing, settings } = this.deps;
    this.setPhase('verifying');
    let sinceMs = timing.nowMs();
    let attempt = 0;
    for (;;) {
      const [records, ownership] = await joinSteps(
        signal,
        this.attempt('readFences', signal, () => provider.readFences(this.deps.target, { signal })),
        this.attempt('observe', signal, () => provider.observe(this.deps.target, { signal })),
      );
      if (this.checkFence(records, provider)) return;
      this.observedOwner = ownership.ownerNetworkInterfaceId;
      if (ownership.ownerNetworkInterfaceId === provider.identity.networkInterfaceId) {
        this.converge();
        return;
      }
      if (timing.nowMs() - sinceMs >= settings.verifyTimeoutMs) {
        this.log.warn(
          {
            event: 'cloud-verify-timeout',
            observedOwner: ownership.ownerNetworkInterfaceId,
            detail: ownership.detail,
          },
          'read-back still names another owner: claiming again',
        );
        await this.claimOnce(provider, signal);
        sinceMs = timing.nowMs();
        attempt = 0;
        continue;
      }
      const waitMs = Math.min(
        settings.verifyPollMaxMs,
        backoffDelayMs(settings.backoff, attempt++, timing.random()),
      );
      await this.pause(waitMs, signal);
    }
  }

  /** Periodic level check while MASTER: fence, heartbeat, owner; repair drift. */
  private async recheck(provider: CloudProvider, signal: AbortSignal): Promise<void> {
    const { target, settings, timing } = this.deps;
    const me = provider.identity.instanceId;
    const records = await this.attempt('readFences', signal, () =>
      provider.readFences(target, { signal }),
    );
    if (this.checkFence(records, provider)) return;
    const term = this.term ?? nextTerm(this.highestSeen, timing.nowMs());
    this.beat++;
    const heartbeat: FenceRecord = { term, owner: me, beat: this.beat, released: false };
    await this.attempt('writeFence', signal, () =>
      provider.writeFence(target, heartbeat, { signal }),
    );
    const ownership = await this.attempt('observe', signal, () =>
      provider.observe(target, { signal }),
    );
    this.observedOwner = ownership.ownerNetworkInterfaceId;
    if (ownership.ownerNetworkInterfaceId === provider.identity.networkInterfaceId) {
      this.converge();
      return;
    }
    // Moved without a newer term in sight: an operator, an old notify script, or a competitor
    // whose record the API does not show yet. Give that record time to appear before taking back.
    this.log.warn(
      {
        event: 'cloud-drift',
        observedOwner: ownership.ownerNetworkInterfaceId,
        detail: ownership.detail,
      },
      'cloud target moved away while MASTER',
    );
    this.setPhase('verifying');
    await this.pause(settings.driftConfirmMs, signal);
    const later = await this.attempt('readFences', signal, () =>
      provider.readFences(target, { signal }),
    );
    if (this.checkFence(later, provider)) return;
    this.setPhase('claiming');
    await this.claimOnce(provider, signal);
    await this.verify(provider, signal);
  }

  /** Fenced: wait until the holder releases, goes silent for a lease, or VRRP settles (peerYielded). */
  private async whileFenced(
    provider: CloudProvider,
    signal: AbortSignal,
  ): Promise<TakeoverTrigger> {
    const { target, settings, timing } = this.deps;
    let lastChangeMs = timing.nowMs();
    for (;;) {
      await this.pause(settings.recheckIntervalMs, signal);
      const records = await this.attempt('readFences', signal, () =>
        provider.readFences(target, { signal }),
      );
      this.noteTerms(records);
      const holder = supersedingRecord(records, provider.identity.instanceId, this.term ?? 0);
      if (holder === undefined) {
        this.log.info({ event: 'cloud-fence-lifted' }, 'newer term released: taking over');
        return 'fence-lifted';
      }
      const before = this.fencedBy;
      if (
        before === undefined ||
        holder.owner !== before.owner ||
        holder.term !== before.term ||
        holder.beat !== before.beat
      ) {
        this.setFenced(holder);
        lastChangeMs = timing.nowMs();
        continue;
      }
      const silentMs = timing.nowMs() - lastChangeMs;
      if (silentMs >= settings.fenceLeaseMs) {
        this.log.warn(
          {
            event: 'cloud-fence-expired',
            holder: holder.owner,
            term: holder.term,
            silentMs: round(silentMs),
          },
          'holder of the newer term stopped renewing it: taking over',
        );
        return 'fence-expired';
      }
    }
  }

  /** If another agent holds a newer term, become fenced and say so. */
  private checkFence(records: readonly FenceRecord[], provider: CloudProvider): boolean {
    this.noteTerms(records);
    const holder = supersedingRecord(records, provider.identity.instanceId, this.term ?? 0);
    if (holder === undefined) return false;
    if (this.phase !== 'fenced') {
      this.log.warn(
        {
          event: 'cloud-fenced',
          holder: holder.owner,
          holderTerm: holder.term,
          ourTerm: this.term,
        },
        'another MASTER holds a newer term: stopped claiming until VRRP settles the group',
      );
    }
    this.setFenced(holder);
    this.setPhase('fenced');
    return true;
  }

  private async claimOnce(provider: CloudProvider, signal: AbortSignal): Promise<void> {
    await this.attempt('claim', signal, () => provider.claim(this.deps.target, { signal }));
    signal.throwIfAborted();
    this.claims++;
    this.deps.metrics?.claims.inc({
      instance: this.deps.instance,
      target: this.name,
      result: 'accepted',
    });
  }

  /**
   * Run one provider step until it succeeds: retryable failures (throttling, 5xx, timeouts)
   * back off with jitter; others (credentials, IAM, a wrong id) are reported and retried at the
   * re-check interval, since an operator may fix them while we stay MASTER.
   */
  private async attempt<T>(step: Step, signal: AbortSignal, op: () => Promise<T>): Promise<T> {
    const { timing, settings } = this.deps;
    for (let retry = 0; ; retry++) {
      signal.throwIfAborted();
      let result: T;
      try {
        result = await op();
      } catch (error) {
        signal.throwIfAborted();
        const retryable = error instanceof CloudApiError && error.retryable;
        const waitMs = retryable
          ? backoffDelayMs(settings.backoff, retry, timing.random())
          : settings.recheckIntervalMs;
        this.lastError = {
          call: error instanceof CloudApiError ? error.call : step,
          code: error instanceof CloudApiError ? error.code : 'UNEXPECTED',
          message: (error as Error).message,
          atMs: timing.nowMs(),
        };
        const fields = {
          event: 'cloud-call-failed',
          step,
          ...this.lastError,
          retryInMs: round(waitMs),
        };
        if (retryable) this.log.warn(fields, 'cloud call failed; retrying');
        else this.log.error(fields, 'cloud call failed; retrying at the re-check interval');
        await this.pause(waitMs, signal);
        continue;
      }
      // The call may have finished after we were cancelled (a provider that ignores the signal,
      // or a reply already queued): a cancelled run must not act on it or touch the status.
      signal.throwIfAborted();
      return result;
    }
  }

  /** Sleep, then stop if cancelled meanwhile (a timer that fired just before the abort). */
  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    await this.deps.timing.sleep(ms, signal);
    signal.throwIfAborted();
  }

  private converge(): void {
    const timeline = this.timeline;
    if (timeline !== undefined && timeline.confirmedAtMs === undefined) {
      timeline.confirmedAtMs = this.deps.timing.nowMs();
      this.stage('confirmed', timeline);
      this.log.info(
        {
          event: 'cloud-confirmed',
          term: timeline.term,
          msToFirstRequest: round(
            (timeline.firstRequestAtMs ?? timeline.startedAtMs) - timeline.startedAtMs,
          ),
          msToAccepted: round(
            (timeline.acceptedAtMs ?? timeline.confirmedAtMs) - timeline.startedAtMs,
          ),
          msToConfirmed: round(timeline.confirmedAtMs - timeline.startedAtMs),
        },
        'cloud confirms this host owns the target',
      );
    }
    this.setPhase('converged');
  }

  private stage(stage: 'accepted' | 'confirmed', timeline: FailoverTimeline): void {
    const metrics = this.deps.metrics;
    if (metrics === undefined) return;
    const atMs = stage === 'accepted' ? timeline.acceptedAtMs : timeline.confirmedAtMs;
    if (stage === 'accepted' && timeline.firstRequestAtMs !== undefined) {
      metrics.failoverDuration.observe(
        { stage: 'first_request' },
        (timeline.firstRequestAtMs - timeline.startedAtMs) / 1000,
      );
    }
    if (atMs !== undefined)
      metrics.failoverDuration.observe({ stage }, (atMs - timeline.startedAtMs) / 1000);
  }

  private noteTerms(records: readonly FenceRecord[]): void {
    this.highestSeen = Math.max(this.highestSeen, highestTerm(records));
  }

  private setPhase(phase: TargetPhase): void {
    this.phase = phase;
    this.deps.metrics?.converged.set(
      { instance: this.deps.instance, target: this.name },
      phase === 'converged' ? 1 : 0,
    );
  }

  private setFenced(holder: FenceRecord | undefined): void {
    this.fencedBy = holder;
    this.deps.metrics?.fenced.set(
      { instance: this.deps.instance, target: this.name },
      holder === undefined ? 0 : 1,
    );
  }
}

/**
 * Await steps that run side by side and fail with the first failure only once all have ended:
 * with Promise.all, a cancelled sibling would end the run (and resolve stop()) while a claim is
 * still in flight.
 */
async function joinSteps<A, B>(signal: AbortSignal, a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  signal.throwIfAborted();
  return [ra.value, rb.value];
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
