// One cloud target of one VRRP instance, reconciled level-triggered, as a pure machine: while
// MASTER, drive the cloud toward "owner is me", verify by reading back and keep re-checking;
// never claim otherwise. Inputs carry nowMs; the machine answers with calls to make and log notes,
// and tells its next deadline. Every failed call is retried (jittered backoff when retryable,
// the re-check interval otherwise, since an operator may fix IAM or an id while we stay MASTER).
//
// Fencing (fencing.ts): each takeover takes a term above every term seen; a MASTER that reads a
// newer live term stops claiming until that holder releases, goes silent for a lease, or VRRP
// settles the group in our favour. A BACKUP or a fenced machine never sends a claim.
import type { FenceRecord } from '../provider.js';
import type { CloudTarget } from '../target.js';
import { targetName } from '../target.js';
import { backoffDelayMs } from './backoff.js';
import { highestTerm, nextTerm, supersedingRecord } from './fencing.js';
import type { ReconcilerSettings } from './settings.js';
import type { FailoverTimeline, TargetError, TargetPhase, TargetStatus } from './status.js';
import type {
  CallFailure,
  CallKind,
  CallOutcome,
  CloudCall,
  MachineCommand,
  MachineIdentity,
  MachineNote,
  NoteLevel,
  TakeoverTrigger,
} from './types.js';
import {
  flowDeadlineMs,
  observed,
  records,
  type ClaimOp,
  type Flow,
  type Step,
} from './target-flow.js';

interface InFlight {
  readonly run: number;
  readonly call: CloudCall;
}

export interface TargetMachineOptions {
  readonly target: CloudTarget;
  /** Its index in the instance's targets: every command carries it. */
  readonly index: number;
  readonly settings: ReconcilerSettings;
  /** Uniform in [0, 1): backoff jitter (seeded in tests and the simulation). */
  readonly random: () => number;
  /** Hands out call ids unique across the machines one runner drives. */
  readonly nextCallId: () => number;
  /** This target's claim waits until that one's claim is accepted (see claim-order.ts). */
  readonly after?: TargetMachine | undefined;
}

export class TargetMachine {
  readonly name: string;
  readonly target: CloudTarget;
  private me: MachineIdentity | undefined;
  private master = false;
  private phase: TargetPhase = 'idle';
  /** Bumped whenever the role changes: results of an older run are only bookkeeping. */
  private run = 0;
  private flow: Flow = { at: 'idle' };
  private term: number | undefined;
  private beat = 0;
  private highestSeen = 0;
  /** Terms up to this one predate VRRP settling the group in our favour: they fence no more. */
  private settledTerm = -Infinity;
  private settledAtMs = -Infinity;
  private observedOwner: string | undefined;
  private fencedBy: FenceRecord | undefined;
  private claims = 0;
  private lastError: TargetError | undefined;
  private timeline: FailoverTimeline | undefined;
  /** This term's first record has been written: claim retries wait for it (or a timeout). */
  private recordWritten = false;
  /** The last record of ours sent (it may have landed), while it may still fence others. */
  private recordOut: FenceRecord | undefined;
  /** Ours to mark released once every call of the runs before has ended. */
  private pendingRelease: { record: FenceRecord; beforeRun: number } | undefined;
  /** Our release write in flight, and the record it releases. */
  private releasing: { readonly callId: number; readonly record: FenceRecord } | undefined;
  private heartbeat: { untilMs: number } | Step | undefined;
  private readonly inFlight = new Map<number, InFlight>();
  private out: MachineCommand[] = [];

  constructor(private readonly options: TargetMachineOptions) {
    this.target = options.target;
    this.name = targetName(options.target);
  }

  /** Discovery finished: a MASTER that was waiting claims now. */
  ready(identity: MachineIdentity, nowMs: number): MachineCommand[] {
    this.me = identity;
    if (this.flow.at === 'waiting-for-cloud') this.begin(this.flow.trigger, this.flow.atMs, nowMs);
    return this.flush();
  }

  /** The core decided MASTER (or a fence was lifted by VRRP settling): a new run. */
  becomeMaster(trigger: TakeoverTrigger, atMs: number, nowMs: number): MachineCommand[] {
    this.startRun();
    this.master = true;
    // MASTER again before our release went out: the new term's record replaces it on our key,
    // and releasing first would lift the fence on a peer until that record lands.
    if (this.pendingRelease !== undefined) {
      this.recordOut ??= this.pendingRelease.record;
      this.pendingRelease = undefined;
    }
    if (this.me === undefined) {
      this.phase = 'waiting-for-cloud';
      this.flow = { at: 'waiting-for-cloud', trigger, atMs };
    } else {
      this.begin(trigger, atMs, nowMs);
    }
    return this.flush();
  }

  /** We left MASTER: no claim starts after this; our record is marked released. */
  becomeBackup(): MachineCommand[] {
    // Our record would go on fencing a MASTER elsewhere (until its lease runs out). Not when
    // fenced: then our term already fences nobody.
    const release = this.phase === 'fenced' ? undefined : this.recordOut;
    this.recordOut = undefined;
    const runBefore = this.run;
    this.startRun();
    this.master = false;
    this.flow = { at: 'idle' };
    this.phase = 'idle';
    this.fencedBy = undefined;
    if (release !== undefined) this.pendingRelease = { record: release, beforeRun: runBefore };
    this.maybeRelease();
    return this.flush();
  }

  /**
   * VRRP settled the group in our favour: a term taken before now no longer fences us, even one
   * not read yet (the peer took over and stepped down within one re-check). Terms compare with
   * terms: the bound is the term a takeover now would take. A fenced MASTER claims again.
   */
  settle(atMs: number, nowMs: number): MachineCommand[] {
    if (!this.master) return [];
    this.settledTerm = Math.max(this.settledTerm, nextTerm(this.highestSeen, atMs));
    this.settledAtMs = Math.max(this.settledAtMs, atMs);
    if (this.phase === 'fenced') {
      this.note('info', 'cloud-fence-settled', 'VRRP settled the group: claiming again');
      return this.becomeMaster('peer-yielded', atMs, nowMs);
    }
    return [];
  }

  result(callId: number, outcome: CallOutcome, nowMs: number): MachineCommand[] {
    const call = this.inFlight.get(callId);
    if (call === undefined) return [];
    this.inFlight.delete(callId);
    if (callId === this.releasing?.callId) this.released(outcome);
    else if (!outcome.ok && outcome.failure.notSent === true) this.unsent(call.call);
    else if (call.run === this.run && this.master) this.onResult(callId, outcome, nowMs);
    this.maybeRelease();
    const flow = this.flow;
    if (flow.at === 'takeover' && flow.record === 'waiting')
      this.startRecord(flow, this.currentRecord());
    return this.flush();
  }

  timer(nowMs: number): MachineCommand[] {
    if (this.master) {
      this.tickHeartbeat(nowMs);
      this.tickFlow(nowMs);
    }
    return this.flush();
  }

  nextDeadlineMs(): number | undefined {
    return this.master ? flowDeadlineMs(this.flow, this.heartbeat) : undefined;
  }

  /** No call in flight and no release owed: a stopping agent may exit. */
  get quiescent(): boolean {
    return this.inFlight.size === 0 && this.pendingRelease === undefined;
  }

  get isFenced(): boolean {
    return this.phase === 'fenced';
  }

  /** The current takeover's claim was accepted (a target that waits for this one may go). */
  get claimAccepted(): boolean {
    return this.master && (this.timeline?.acceptedAtMs !== undefined || this.phase === 'converged');
  }

  status(): TargetStatus {
    return {
      name: this.name,
      kind: this.target.kind,
      phase: this.phase,
      term: this.term,
      observedOwner: this.observedOwner,
      fencedBy:
        this.fencedBy === undefined
          ? undefined
          : { owner: this.fencedBy.owner, term: this.fencedBy.term },
      claims: this.claims,
      lastError: this.lastError,
      timeline: this.timeline,
      after: this.options.after?.name,
    };
  }

  /** A claim blocked on the target it follows: send it once that claim was accepted. */
  unblock(nowMs: number): MachineCommand[] {
    for (const claim of this.claimOps()) {
      if (claim.state === 'blocked' && this.dependencyMet()) this.sendClaim(claim, nowMs);
    }
    return this.flush();
  }

  // --- runs and takeovers ---------------------------------------------------------------------

  private startRun(): void {
    // The release too: MASTER again before it left, it must not leave (see becomeMaster).
    const cancelled = [...this.inFlight.entries()]
      .filter(([id, call]) => call.run === this.run || id === this.releasing?.callId)
      .map(([id]) => id);
    if (cancelled.length > 0)
      this.out.push({ type: 'cancel', target: this.options.index, callIds: cancelled });
    this.run++;
    this.heartbeat = undefined;
  }

  /** Start reconciling: a takeover now, and the heartbeat beside it. */
  private begin(trigger: TakeoverTrigger, atMs: number, nowMs: number): void {
    this.heartbeat = { untilMs: nowMs + this.options.settings.recheckIntervalMs };
    this.takeover(trigger, atMs, nowMs);
  }

  /** Take a new term, then claim and write our fence record together, then verify. */
  private takeover(trigger: TakeoverTrigger, startedAtMs: number, nowMs: number): void {
    const me = this.identity();
    const term = nextTerm(this.highestSeen, nowMs);
    this.term = term;
    this.beat = 0;
    this.recordWritten = false;
    this.fencedBy = undefined;
    this.phase = 'claiming';
    this.timeline = { trigger, term, startedAtMs };
    this.note('info', 'cloud-claim', 'claiming cloud target', { trigger, term, startedAtMs });
    // The claim first; the record beside it (the runner puts the claim on the wire first): a
    // takeover costs one round trip, not two. A MASTER with an older term stops at its next
    // re-check, when it reads this record.
    const claim: ClaimOp = { retry: 0, state: 'blocked' };
    const flow: Flow = { at: 'takeover', claim, record: 'waiting' };
    this.flow = flow;
    if (this.dependencyMet()) this.sendClaim(claim, nowMs);
    else {
      this.note('info', 'cloud-claim-ordered', 'waiting for the claim this target follows', {
        after: this.options.after?.name,
      });
    }
    this.startRecord(flow, { term, owner: me.instanceId, beat: 0, released: false });
  }

  private startRecord(flow: Flow & { at: 'takeover' }, record: FenceRecord): void {
    // Our earlier writes (a release, a beat of an older term) must land before this record: they
    // go to the same tag key, and the last write is what everyone reads.
    if (this.pendingRelease !== undefined) return;
    for (const call of this.inFlight.values()) if (call.call.kind === 'writeFence') return;
    const step: Step = { kind: 'writeFence', retry: 0 };
    flow.record = step;
    this.sendStep(step, { kind: 'writeFence', record });
    // Out once sent: a write cancelled on the wire may still land, so a step-down releases it.
    this.recordOut = record;
  }

  private currentRecord(): FenceRecord {
    return { term: this.term ?? 0, owner: this.identity().instanceId, beat: 0, released: false };
  }

  // --- results --------------------------------------------------------------------------------

  private onResult(callId: number, outcome: CallOutcome, nowMs: number): void {
    if (this.heartbeat !== undefined && 'kind' in this.heartbeat) {
      if (this.heartbeat.callId === callId) {
        this.onHeartbeatResult(this.heartbeat, outcome, nowMs);
        return;
      }
    }
    const flow = this.flow;
    switch (flow.at) {
      case 'takeover':
        if (flow.claim.callId === callId || flow.claim.read?.callId === callId) {
          this.onClaimResult(flow.claim, callId, outcome, nowMs);
        } else if (typeof flow.record === 'object' && flow.record.callId === callId) {
          if (this.stepFailed(flow.record, outcome, nowMs)) return;
          flow.record = 'done';
          this.recordWritten = true;
          if (flow.claim.state === 'await-record') this.readBeforeClaim(flow.claim);
        }
        if (this.flow === flow && flow.claim.state === 'done' && flow.record === 'done') {
          this.startVerify(nowMs);
        }
        return;
      case 'verify':
        this.onVerifyResult(flow, callId, outcome, nowMs);
        return;
      case 'recheck':
        this.onRecheckResult(flow, callId, outcome, nowMs);
        return;
      case 'drift':
        if (flow.fences?.callId !== callId) return;
        if (this.stepFailed(flow.fences, outcome, nowMs)) return;
        if (this.checkFence(records(outcome), nowMs)) return;
        this.phase = 'claiming';
        this.flow = { at: 'reclaim', claim: this.newClaim(nowMs) };
        return;
      case 'reclaim':
        this.onClaimResult(flow.claim, callId, outcome, nowMs);
        if (flow.claim.state === 'done') this.startVerify(nowMs);
        return;
      case 'fenced':
        if (flow.fences?.callId !== callId) return;
        if (this.stepFailed(flow.fences, outcome, nowMs)) return;
        flow.fences = undefined;
        this.whileFenced(flow, records(outcome), nowMs);
        return;
      default:
        return;
    }
  }

  private onClaimResult(claim: ClaimOp, callId: number, outcome: CallOutcome, nowMs: number): void {
    if (claim.state === 'reading' && claim.read?.callId === callId) {
      if (this.stepFailed(claim.read, outcome, nowMs)) return;
      claim.read = undefined;
      if (this.checkFence(records(outcome), nowMs)) return;
      this.sendClaim(claim, nowMs);
      return;
    }
    if (claim.state !== 'sending' || claim.callId !== callId) return;
    claim.callId = undefined;
    if (!outcome.ok) {
      // An EIP mapped to the address a claim of ours just moved: EC2 refuses the association
      // until it sees the address on our ENI. That refusal passes in moments: retry promptly.
      const failure =
        this.options.after !== undefined && outcome.failure.code === 'CLOUD_INVALID_REQUEST'
          ? { ...outcome.failure, retryable: true }
          : outcome.failure;
      const waitMs = this.failed('claim', failure, claim.retry, nowMs);
      claim.state = 'backoff';
      claim.untilMs = nowMs + waitMs;
      claim.retry++;
      return;
    }
    claim.state = 'done';
    this.claims++;
    const timeline = this.timeline;
    if (timeline !== undefined && timeline.acceptedAtMs === undefined) {
      this.timeline = { ...timeline, acceptedAtMs: nowMs };
      this.note('info', 'cloud-claim-accepted', 'cloud API accepted the claim', {
        ms: round(nowMs - timeline.startedAtMs),
        timeline: this.timeline,
      });
    } else {
      this.note('debug', 'cloud-claim-repeated', 'cloud API accepted the claim again');
    }
  }

  private onVerifyResult(
    flow: Flow & { at: 'verify' },
    callId: number,
    outcome: CallOutcome,
    nowMs: number,
  ): void {
    if (flow.claim !== undefined) {
      this.onClaimResult(flow.claim, callId, outcome, nowMs);
      if (this.flow !== flow || flow.claim.state !== 'done') return;
      flow.claim = undefined;
      flow.sinceMs = nowMs;
      flow.attempt = 0;
      this.readBack(flow, nowMs);
      return;
    }
    if ('kind' in flow.fences && flow.fences.callId === callId) {
      if (this.stepFailed(flow.fences, outcome, nowMs)) return;
      flow.fences = records(outcome);
    } else if ('kind' in flow.owner && flow.owner.callId === callId) {
      if (this.stepFailed(flow.owner, outcome, nowMs)) return;
      flow.owner = observed(outcome);
    } else {
      return;
    }
    // Both reads went out together (one round trip); judge them once both are back.
    if ('kind' in flow.fences || 'kind' in flow.owner) return;
    if (this.checkFence(flow.fences, nowMs)) return;
    const { owner, detail } = flow.owner;
    this.observedOwner = owner;
    if (owner === this.identity().networkInterfaceId) {
      this.converge(nowMs);
      return;
    }
    // Judge the timeout by when the read was sent: a read that took long tells old news.
    const { settings } = this.options;
    if (flow.readAtMs - flow.sinceMs >= settings.verifyTimeoutMs) {
      this.note(
        'warn',
        'cloud-verify-timeout',
        'read-back still names another owner: claiming again',
        {
          observedOwner: owner,
          detail,
        },
      );
      flow.claim = this.newClaim(nowMs);
      return;
    }
    const waitMs = Math.min(
      settings.verifyPollMaxMs,
      backoffDelayMs(settings.backoff, flow.attempt++, this.options.random()),
    );
    flow.pauseUntilMs = nowMs + waitMs;
  }

  private onRecheckResult(
    flow: Flow & { at: 'recheck' },
    callId: number,
    outcome: CallOutcome,
    nowMs: number,
  ): void {
    if (flow.owner === undefined) {
      if (flow.fences.callId !== callId) return;
      if (this.stepFailed(flow.fences, outcome, nowMs)) return;
      if (this.checkFence(records(outcome), nowMs)) return;
      flow.owner = { kind: 'observe', retry: 0 };
      this.sendStep(flow.owner, { kind: 'observe' });
      return;
    }
    if (flow.owner.callId !== callId) return;
    if (this.stepFailed(flow.owner, outcome, nowMs)) return;
    const { owner, detail } = observed(outcome);
    this.observedOwner = owner;
    if (owner === this.identity().networkInterfaceId) {
      this.converge(nowMs);
      return;
    }
    // Moved without a newer term in sight: an operator, an old notify script, or a competitor
    // whose record the API does not show yet. Give that record time to appear before taking back.
    this.note('warn', 'cloud-drift', 'cloud target moved away while MASTER', {
      observedOwner: owner,
      detail,
    });
    this.phase = 'verifying';
    this.flow = { at: 'drift', untilMs: nowMs + this.options.settings.driftConfirmMs };
  }

  private onHeartbeatResult(step: Step, outcome: CallOutcome, nowMs: number): void {
    if (this.stepFailed(step, outcome, nowMs)) return;
    this.heartbeat = { untilMs: nowMs + this.options.settings.recheckIntervalMs };
  }

  // --- timers ---------------------------------------------------------------------------------

  private tickHeartbeat(nowMs: number): void {
    const beat = this.heartbeat;
    if (beat === undefined) return;
    if ('kind' in beat) {
      if (beat.callId === undefined && (beat.retryAtMs ?? Infinity) <= nowMs) this.resend(beat);
      return;
    }
    if (beat.untilMs > nowMs) return;
    const term = this.term;
    // While MASTER and not fenced, renew our record whatever the claim is doing: a fenced peer
    // reads a beat that stopped as a holder that is gone, so a slow takeover must not look like
    // one. Not before this term's first record is out, nor when fenced.
    if (this.phase === 'fenced' || term === undefined || this.recordOut?.term !== term) {
      this.heartbeat = { untilMs: nowMs + this.options.settings.recheckIntervalMs };
      return;
    }
    this.beat++;
    const record: FenceRecord = { ...this.currentRecord(), beat: this.beat };
    const step: Step = { kind: 'writeFence', retry: 0 };
    this.heartbeat = step;
    this.sendStep(step, { kind: 'writeFence', record });
    this.recordOut = record;
  }

  private tickFlow(nowMs: number): void {
    const flow = this.flow;
    const due = (s: Step | undefined): boolean =>
      s !== undefined && s.callId === undefined && (s.retryAtMs ?? Infinity) <= nowMs;
    switch (flow.at) {
      case 'takeover':
        this.tickClaim(flow.claim, nowMs);
        if (typeof flow.record === 'object' && due(flow.record)) this.resend(flow.record);
        return;
      case 'verify':
        if (flow.claim !== undefined) {
          this.tickClaim(flow.claim, nowMs);
          return;
        }
        if (flow.pauseUntilMs !== undefined && flow.pauseUntilMs <= nowMs) {
          flow.pauseUntilMs = undefined;
          this.readBack(flow, nowMs);
          return;
        }
        if ('kind' in flow.fences && due(flow.fences)) this.resend(flow.fences);
        if ('kind' in flow.owner && due(flow.owner)) this.resend(flow.owner);
        return;
      case 'steady':
        if (flow.untilMs > nowMs) return;
        this.flow = { at: 'recheck', fences: { kind: 'readFences', retry: 0 } };
        this.sendStep(this.flow.fences, { kind: 'readFences' });
        return;
      case 'recheck':
        if (due(flow.fences)) this.resend(flow.fences);
        if (due(flow.owner)) this.resend(flow.owner as Step);
        return;
      case 'drift':
      case 'fenced':
        if (flow.fences === undefined) {
          if ((flow.untilMs ?? Infinity) > nowMs) return;
          flow.fences = { kind: 'readFences', retry: 0 };
          this.sendStep(flow.fences, { kind: 'readFences' });
        } else if (due(flow.fences)) {
          this.resend(flow.fences);
        }
        return;
      case 'reclaim':
        this.tickClaim(flow.claim, nowMs);
        return;
      default:
        return;
    }
  }

  private tickClaim(claim: ClaimOp, nowMs: number): void {
    if (claim.state === 'reading') {
      const read = claim.read;
      if (read !== undefined && read.callId === undefined && (read.retryAtMs ?? Infinity) <= nowMs)
        this.resend(read);
      return;
    }
    if ((claim.untilMs ?? Infinity) > nowMs) return;
    if (claim.state === 'backoff') this.retryClaim(claim, nowMs);
    else if (claim.state === 'await-record') this.readBeforeClaim(claim);
  }

  // --- claims ---------------------------------------------------------------------------------

  private newClaim(nowMs: number): ClaimOp {
    const claim: ClaimOp = { retry: 0, state: 'blocked' };
    if (this.dependencyMet()) this.sendClaim(claim, nowMs);
    return claim;
  }

  private sendClaim(claim: ClaimOp, nowMs: number): void {
    claim.state = 'sending';
    claim.untilMs = undefined;
    claim.callId = this.send({ kind: 'claim' });
    const timeline = this.timeline;
    if (timeline !== undefined && timeline.firstRequestAtMs === undefined) {
      this.timeline = { ...timeline, firstRequestAtMs: nowMs };
    }
  }

  /**
   * A retry may land long after the decision, after a newer MASTER's claim: before it, this
   * term's record must be out (or verifyTimeoutMs passed: a record that cannot be written, IAM
   * denying CreateTags, must not stop the claim forever) and no newer term may be in sight.
   */
  private retryClaim(claim: ClaimOp, nowMs: number): void {
    if (this.recordWritten) {
      this.readBeforeClaim(claim);
      return;
    }
    claim.state = 'await-record';
    claim.untilMs = nowMs + this.options.settings.verifyTimeoutMs;
  }

  private readBeforeClaim(claim: ClaimOp): void {
    claim.state = 'reading';
    claim.untilMs = undefined;
    claim.read = { kind: 'readFences', retry: 0 };
    this.sendStep(claim.read, { kind: 'readFences' });
  }

  private dependencyMet(): boolean {
    return this.options.after?.claimAccepted ?? true;
  }

  private *claimOps(): Generator<ClaimOp> {
    const flow = this.flow;
    if (flow.at === 'takeover' || flow.at === 'reclaim') yield flow.claim;
    if (flow.at === 'verify' && flow.claim !== undefined) yield flow.claim;
  }

  // --- read-back, fences ----------------------------------------------------------------------

  private startVerify(nowMs: number): void {
    this.phase = 'verifying';
    const flow: Flow & { at: 'verify' } = {
      at: 'verify',
      sinceMs: nowMs,
      attempt: 0,
      readAtMs: nowMs,
      fences: [],
      owner: { owner: undefined },
    };
    this.flow = flow;
    this.readBack(flow, nowMs);
  }

  private readBack(flow: Flow & { at: 'verify' }, nowMs: number): void {
    flow.readAtMs = nowMs;
    const fences: Step = { kind: 'readFences', retry: 0 };
    const owner: Step = { kind: 'observe', retry: 0 };
    flow.fences = fences;
    flow.owner = owner;
    this.sendStep(fences, { kind: 'readFences' });
    this.sendStep(owner, { kind: 'observe' });
  }

  private converge(nowMs: number): void {
    const timeline = this.timeline;
    if (timeline !== undefined && timeline.confirmedAtMs === undefined) {
      this.timeline = { ...timeline, confirmedAtMs: nowMs };
      const since = (t: number | undefined): number => round((t ?? nowMs) - timeline.startedAtMs);
      this.note('info', 'cloud-confirmed', 'cloud confirms this host owns the target', {
        term: timeline.term,
        msToFirstRequest: since(timeline.firstRequestAtMs),
        msToAccepted: since(timeline.acceptedAtMs),
        msToConfirmed: since(nowMs),
        timeline: this.timeline,
      });
    }
    this.phase = 'converged';
    this.flow = { at: 'steady', untilMs: nowMs + this.options.settings.recheckIntervalMs };
  }

  /** If another agent holds a newer term, become fenced and say so. */
  private checkFence(list: readonly FenceRecord[], nowMs: number): boolean {
    this.noteTerms(list);
    const holder = supersedingRecord(list, this.identity().instanceId, this.term ?? 0);
    if (holder === undefined) return false;
    if (this.phase !== 'fenced') {
      this.note(
        'warn',
        'cloud-fenced',
        'another MASTER holds a newer term: stopped claiming until VRRP settles the group',
        { holder: holder.owner, holderTerm: holder.term, ourTerm: this.term },
      );
    }
    this.fencedBy = holder;
    this.phase = 'fenced';
    if (holder.term <= this.settledTerm) {
      this.note(
        'info',
        'cloud-fence-settled',
        'the newer term predates VRRP settling the group: claiming again',
        { holder: holder.owner, term: holder.term },
      );
      this.takeover('peer-yielded', this.settledAtMs, nowMs);
      return true;
    }
    this.flow = {
      at: 'fenced',
      lastChangeMs: nowMs,
      untilMs: nowMs + this.options.settings.recheckIntervalMs,
    };
    return true;
  }

  /** Fenced: wait until the holder releases, goes silent for a lease, or VRRP settles. */
  private whileFenced(
    flow: Flow & { at: 'fenced' },
    list: readonly FenceRecord[],
    nowMs: number,
  ): void {
    const { settings } = this.options;
    this.noteTerms(list);
    const holder = supersedingRecord(list, this.identity().instanceId, this.term ?? 0);
    flow.untilMs = nowMs + settings.recheckIntervalMs;
    if (holder === undefined) {
      this.note('info', 'cloud-fence-lifted', 'newer term released: taking over');
      this.takeover('fence-lifted', nowMs, nowMs);
      return;
    }
    const before = this.fencedBy;
    if (
      before === undefined ||
      holder.owner !== before.owner ||
      holder.term !== before.term ||
      holder.beat !== before.beat
    ) {
      this.fencedBy = holder;
      flow.lastChangeMs = nowMs;
      if (holder.term <= this.settledTerm) this.checkFence(list, nowMs);
      return;
    }
    const silentMs = nowMs - flow.lastChangeMs;
    if (silentMs >= settings.fenceLeaseMs) {
      this.note(
        'warn',
        'cloud-fence-expired',
        'holder of the newer term stopped renewing it: taking over',
        {
          holder: holder.owner,
          term: holder.term,
          silentMs: round(silentMs),
        },
      );
      this.takeover('fence-expired', nowMs, nowMs);
    }
  }

  private noteTerms(list: readonly FenceRecord[]): void {
    this.highestSeen = Math.max(this.highestSeen, highestTerm(list));
  }

  /** A record write cancelled before it left is not out: nothing of it to release. */
  private unsent(call: CloudCall): void {
    if (call.kind !== 'writeFence') return;
    if (this.recordOut === call.record) this.recordOut = undefined;
    if (this.pendingRelease?.record === call.record) this.pendingRelease = undefined;
  }

  // --- release --------------------------------------------------------------------------------

  /** Once every call of the runs before the step-down has ended: one best-effort write. */
  private maybeRelease(): void {
    const pending = this.pendingRelease;
    if (pending === undefined || this.releasing !== undefined || this.me === undefined) return;
    for (const call of this.inFlight.values()) if (call.run <= pending.beforeRun) return;
    this.pendingRelease = undefined;
    const record = pending.record;
    const callId = this.send({
      kind: 'writeFence',
      record: { ...record, beat: record.beat + 1, released: true },
    });
    this.releasing = { callId, record };
  }

  private released(outcome: CallOutcome): void {
    const record = this.releasing?.record;
    this.releasing = undefined;
    if (!outcome.ok && outcome.failure.notSent === true && record !== undefined) {
      // Cancelled before it left by a MASTER run: the record is still out, and that run's newer
      // record replaces it. If we stepped down again meanwhile, it is ours to release still.
      if (this.master) this.recordOut ??= record;
      else this.pendingRelease ??= { record, beforeRun: this.run };
      return;
    }
    if (outcome.ok) {
      this.note('info', 'cloud-term-released', 'fence record released');
    } else {
      this.note(
        'warn',
        'cloud-term-release-failed',
        'could not mark our fence record released; others wait for its lease',
        { code: outcome.failure.code, error: outcome.failure.message },
      );
    }
  }

  // --- calls ----------------------------------------------------------------------------------

  private send(call: CloudCall): number {
    const callId = this.options.nextCallId();
    this.inFlight.set(callId, { run: this.run, call });
    this.out.push({ type: 'call', target: this.options.index, callId, call });
    return callId;
  }

  private sendStep(step: Step, call: CloudCall): void {
    step.retryAtMs = undefined;
    step.callId = this.send(call);
    step.call = call;
  }

  private resend(step: Step): void {
    step.retry++;
    this.sendStep(step, step.call ?? ({ kind: step.kind } as CloudCall));
  }

  /** A step's result: true (and its retry armed) when it failed. */
  private stepFailed(step: Step, outcome: CallOutcome, nowMs: number): boolean {
    step.callId = undefined;
    if (outcome.ok) return false;
    const waitMs = this.failed(step.kind, outcome.failure, step.retry, nowMs);
    step.retryAtMs = nowMs + waitMs;
    return true;
  }

  /** Record and report a failure; the wait before its retry. */
  private failed(kind: CallKind, failure: CallFailure, retry: number, nowMs: number): number {
    const { settings } = this.options;
    const waitMs = failure.retryable
      ? backoffDelayMs(settings.backoff, retry, this.options.random())
      : settings.recheckIntervalMs;
    this.lastError = {
      call: failure.call,
      code: failure.code,
      message: failure.message,
      atMs: nowMs,
    };
    const fields = { step: kind, ...this.lastError, retryInMs: round(waitMs) };
    if (failure.retryable)
      this.note('warn', 'cloud-call-failed', 'cloud call failed; retrying', fields);
    else {
      this.note(
        'error',
        'cloud-call-failed',
        'cloud call failed; retrying at the re-check interval',
        fields,
      );
    }
    return waitMs;
  }

  private identity(): MachineIdentity {
    if (this.me === undefined) throw new Error('cloud machine: no identity yet');
    return this.me;
  }

  private note(
    level: NoteLevel,
    event: string,
    message: string,
    fields?: Record<string, unknown>,
  ): void {
    const note: MachineNote =
      fields === undefined ? { level, event, message } : { level, event, message, fields };
    this.out.push({ type: 'note', target: this.options.index, note });
  }

  private flush(): MachineCommand[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
