// One cloud target of one VRRP instance, reconciled level-triggered: while MASTER, drive the cloud
// toward "owner is me", verify by reading back, and keep re-checking; never claim otherwise.
// Every step is a log line; failures retry with jittered backoff and never end the loop.
import type { Logger } from 'pino';
import type {
  FailoverTimeline,
  TakeoverTrigger,
  TargetLoopDeps,
  TargetPhase,
  TargetStatus,
} from './target-types.js';
import { backoffDelayMs } from './backoff.js';
import { recordAccepted, recordConfirmed } from './failover-timeline.js';
import { highestTerm, nextTerm, supersedingRecord } from './fencing.js';
import type { CloudProvider, FenceRecord } from './provider.js';
import { joinSteps, round, StepRunner, Superseded } from './step-runner.js';
import { targetName } from './target.js';
import { epochNowMs, monotonicNowMs, nextTurn } from './timing.js';

export type {
  FailoverTimeline,
  TakeoverTrigger,
  TargetLoopDeps,
  TargetPhase,
  TargetStatus,
} from './target-types.js';

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
  private readonly steps: StepRunner;
  private timeline: FailoverTimeline | undefined;
  /** When VRRP last settled the group in our favour (peerYielded): older terms fence no more. */
  private settledAtMs = -Infinity;
  private readonly log: Logger;
  /** This term's fence record is out (resolves once written): claim retries wait for it. */
  private recordWritten: Promise<void> = Promise.resolve();
  /** The last record of ours sent (it may have landed), while it may still fence others. */
  private recordOut: FenceRecord | undefined;
  /** A release of our record in flight: the next takeover's record must land after it. */
  private releasing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: TargetLoopDeps) {
    this.name = targetName(deps.target);
    this.log = deps.logger.child({ target: this.name });
    this.steps = new StepRunner(this.log, deps.timing, deps.settings);
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
    // Our record would go on fencing a MASTER elsewhere (until its lease runs out): mark it
    // released. Not when fenced: then our term already fences nobody.
    const release = this.phase === 'fenced' ? undefined : this.recordOut;
    this.recordOut = undefined;
    this.cancel();
    this.setPhase('idle');
    this.setFenced(undefined);
    const stopped = this.running;
    // Not awaited by stop(): a BACKUP is a BACKUP at once. `released` tells when it is out.
    if (release !== undefined) this.releasing = stopped.then(() => this.release(release));
    return stopped;
  }

  /** Resolves once a release started by stop() has been written (or failed). */
  get released(): Promise<void> {
    return this.releasing;
  }

  /** One best-effort write of our record marked released; a failure only delays the others. */
  private async release(record: FenceRecord): Promise<void> {
    if (this.abort !== undefined) {
      // MASTER again before it went out: the new term's record replaces this one on our key, and
      // releasing first would lift the fence on a peer until that record lands. Still ours to
      // release if we stop before it does.
      this.recordOut ??= record;
      return;
    }
    const provider = this.deps.knownProvider?.();
    if (provider === undefined) return;
    const released: FenceRecord = { ...record, beat: record.beat + 1, released: true };
    try {
      await provider.writeFence(this.deps.target, released);
      this.log.info({ event: 'cloud-term-released', term: record.term }, 'fence record released');
    } catch (error) {
      this.log.warn(
        { event: 'cloud-term-release-failed', err: error },
        'could not mark our fence record released; others wait for its lease',
      );
    }
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
      lastError: this.steps.lastError,
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
    const beating = this.heartbeat(provider, signal).catch(() => undefined);
    try {
      await this.reconcile(provider, trigger, atMs, signal);
    } finally {
      // stop() waits for this run: no heartbeat of ours may land after our release.
      await beating;
    }
  }

  private async reconcile(
    provider: CloudProvider,
    trigger: TakeoverTrigger,
    atMs: number,
    signal: AbortSignal,
  ): Promise<void> {
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
      await this.steps.pause(this.deps.settings.recheckIntervalMs, signal);
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
      recordAccepted(timeline, timing.nowMs(), this.deps.metrics);
      this.log.info(
        { event: 'cloud-claim-accepted', ms: round((timeline.acceptedAtMs ?? 0) - startedAtMs) },
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
    const fenced = nextTurn()
      .then(() => this.releasing)
      .then(() =>
        this.steps.attempt('writeFence', signal, () => {
          // Out once sent: a write cancelled on the wire may still land, so stop() releases it.
          this.recordOut = record;
          return provider.writeFence(this.deps.target, record, { signal });
        }),
      );
    // Not awaited here: claim retries wait on it (catch: its failure is the join's to report).
    this.recordWritten = fenced.catch(() => undefined);
    try {
      await joinSteps(signal, fenced, claimed);
    } catch (error) {
      if (error instanceof Superseded) return; // fenced while retrying the claim
      throw error;
    }
    await this.verify(provider, signal);
  }

  /** Read back until the cloud names us (it may lag the write), or a newer term fences us. */
  private async verify(provider: CloudProvider, signal: AbortSignal): Promise<void> {
    const { timing, settings } = this.deps;
    this.setPhase('verifying');
    let sinceMs = timing.nowMs();
    let attempt = 0;
    for (;;) {
      // Judge the timeout by when the read was sent: a read that took long tells old news.
      const readAtMs = timing.nowMs();
      const [records, ownership] = await joinSteps(
        signal,
        this.steps.attempt('readFences', signal, () =>
          provider.readFences(this.deps.target, { signal }),
        ),
        this.steps.attempt('observe', signal, () => provider.observe(this.deps.target, { signal })),
      );
      if (this.checkFence(records, provider)) return;
      this.observedOwner = ownership.ownerNetworkInterfaceId;
      if (ownership.ownerNetworkInterfaceId === provider.identity.networkInterfaceId) {
        this.converge();
        return;
      }
      if (readAtMs - sinceMs >= settings.verifyTimeoutMs) {
        this.log.warn(
          {
            event: 'cloud-verify-timeout',
            observedOwner: ownership.ownerNetworkInterfaceId,
            detail: ownership.detail,
          },
          'read-back still names another owner: claiming again',
        );
        if (!(await this.claimUnlessSuperseded(provider, signal))) return;
        sinceMs = timing.nowMs();
        attempt = 0;
        continue;
      }
      const waitMs = Math.min(
        settings.verifyPollMaxMs,
        backoffDelayMs(settings.backoff, attempt++, timing.random()),
      );
      await this.steps.pause(waitMs, signal);
    }
  }

  /**
   * While MASTER and not fenced, renew our record every re-check interval, whatever the claim is
   * doing: a fenced peer reads a beat that stopped as a holder that is gone, so a slow takeover
   * (throttled, verifying for long) must not look like one.
   */
  private async heartbeat(provider: CloudProvider, signal: AbortSignal): Promise<void> {
    const { target, settings } = this.deps;
    for (;;) {
      await this.steps.pause(settings.recheckIntervalMs, signal);
      const term = this.term;
      // Not before this term's first record is out, nor when fenced (our term fences nobody).
      if (this.phase === 'fenced' || term === undefined || this.recordOut?.term !== term) continue;
      this.beat++;
      const record: FenceRecord = {
        term,
        owner: provider.identity.instanceId,
        beat: this.beat,
        released: false,
      };
      await this.steps.attempt('writeFence', signal, () =>
        provider.writeFence(target, record, { signal }),
      );
      if (this.term === term) this.recordOut = record;
    }
  }

  /** Periodic level check while MASTER: fence, owner; repair drift. */
  private async recheck(provider: CloudProvider, signal: AbortSignal): Promise<void> {
    const { target, settings } = this.deps;
    const records = await this.steps.attempt('readFences', signal, () =>
      provider.readFences(target, { signal }),
    );
    if (this.checkFence(records, provider)) return;
    const ownership = await this.steps.attempt('observe', signal, () =>
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
    await this.steps.pause(settings.driftConfirmMs, signal);
    const later = await this.steps.attempt('readFences', signal, () =>
      provider.readFences(target, { signal }),
    );
    if (this.checkFence(later, provider)) return;
    this.setPhase('claiming');
    if (!(await this.claimUnlessSuperseded(provider, signal))) return;
    await this.verify(provider, signal);
  }

  /** claimOnce; false when a newer term turned up meanwhile (we are fenced now). */
  private async claimUnlessSuperseded(
    provider: CloudProvider,
    signal: AbortSignal,
  ): Promise<boolean> {
    try {
      await this.claimOnce(provider, signal);
      return true;
    } catch (error) {
      if (error instanceof Superseded) return false;
      throw error;
    }
  }

  /** Fenced: wait until the holder releases, goes silent for a lease, or VRRP settles (peerYielded). */
  private async whileFenced(
    provider: CloudProvider,
    signal: AbortSignal,
  ): Promise<TakeoverTrigger> {
    const { target, settings, timing } = this.deps;
    let lastChangeMs = timing.nowMs();
    for (;;) {
      await this.steps.pause(settings.recheckIntervalMs, signal);
      const records = await this.steps.attempt('readFences', signal, () =>
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

  /**
   * This term's record is out, or verifyTimeoutMs passed: a record that cannot be written (IAM
   * denies CreateTags) must not stop the claim forever; the missing record is logged each time.
   */
  private async recordOrTimeout(signal: AbortSignal): Promise<void> {
    const done = new AbortController();
    const onAbort = (): void => done.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([
        this.recordWritten,
        this.deps.timing
          .sleep(this.deps.settings.verifyTimeoutMs, done.signal)
          .catch(() => undefined),
      ]);
    } finally {
      done.abort();
      signal.removeEventListener('abort', onAbort);
    }
    signal.throwIfAborted();
  }

  /**
   * Claim until accepted. The first attempt goes at once; a retry may land long after the
   * decision, after a newer MASTER's claim, so before each retry our record must be out and no
   * newer term may be in sight (else: fenced, throws Superseded).
   */
  private async claimOnce(provider: CloudProvider, signal: AbortSignal): Promise<void> {
    await this.steps.attempt('claim', signal, async (retry) => {
      if (retry > 0) {
        await this.recordOrTimeout(signal);
        // A step of its own: a failed read must not cost the claim its turn, nor the reverse.
        const records = await this.steps.attempt('readFences', signal, () =>
          provider.readFences(this.deps.target, { signal }),
        );
        if (this.checkFence(records, provider)) throw new Superseded();
      }
      return provider.claim(this.deps.target, { signal });
    });
    signal.throwIfAborted();
    this.claims++;
    this.deps.metrics?.claims.inc({
      instance: this.deps.instance,
      target: this.name,
      result: 'accepted',
    });
  }

  private converge(): void {
    recordConfirmed(this.timeline, this.deps.timing.nowMs(), this.deps.metrics, this.log);
    this.setPhase('converged');
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
