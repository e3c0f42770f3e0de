// One virtual router as a pure state machine: RFC 5798 §6.4 (v3) and RFC 3768 §6.4 (v2).
// Inputs carry nowMs; outputs are actions; timers are absolute deadlines (nextDeadlineMs).
import { compareIp, formatIp, parseIp } from './codec/ip-address.js';
import type { VrrpAdvert } from './codec/types.js';
import { v2AuthDataFromPassword } from './codec/vrrp-message.js';
import type { AcceptContext } from './accept-advert.js';
import { checkAdvert } from './accept-advert.js';
import { checkRouterConfig } from './check-config.js';
import { centisecondsToMs, masterDownIntervalMs, skewTimeMs } from './intervals.js';
import { effectivePriority, OWNER_PRIORITY, STOP_PRIORITY } from './priority.js';
import type {
  LastTransition,
  LowerMaster,
  TrackingStatus,
  TransitionReason,
  VirtualRouterConfig,
  VirtualRouterSnapshot,
  VrrpAction,
  VrrpInput,
  VrrpState,
} from './types.js';

/**
 * Why the Master_Down_Timer is running: it decides the deadline (Master_Down_Interval or
 * Skew_Time from when it started) and the transition reason when it fires.
 */
type DownTimerCause = 'silence' | 'released' | 'preempt';

/**
 * A master answers a competing master's advert at once (see masterReceive), but not more often
 * than this fraction of its interval: two peers that each think they outrank the other (a
 * misconfigured or broken implementation) must not ping-pong adverts at wire speed.
 */
const ANSWER_GAP_FRACTION = 1 / 8;

export class VirtualRouter {
  /** Replaced (never mutated) when a reload changes the base priority or the VIPs. */
  config: VirtualRouterConfig;
  private vips: readonly string[];
  private accept: AcceptContext;

  private state: VrrpState = 'initialize';
  private running = false;
  private interfaceUp = true;
  private tracking: TrackingStatus = { weightDelta: 0, fault: false };
  private groupFault = false;

  private masterAdvertIntervalCs: number;
  /** The master this backup follows (the source of the last advert it accepted). */
  private masterAddress: string | undefined;
  /** When we last accepted an advert from masterAddress. */
  private masterHeardAtMs = 0;
  private masterDownDeadlineMs: number | undefined;
  private downTimerCause: DownTimerCause = 'silence';
  private downTimerStartMs = 0;
  /** With cause 'preempt': the priority of the master we outrank. */
  private preemptOverPriority = 0;
  /**
   * While this timer ran and we followed no master, a lower-priority advert was discarded: when
   * it fires we take over from that lower master (reason 'preempting'), not from silence.
   */
  private lowerDiscarded = false;
  private advertDeadlineMs: number | undefined;
  private preemptHoldUntilMs: number | undefined;
  private lastTransition: LastTransition | undefined;
  private lastAdvertSentMs = -Infinity;
  /** A member of a sync group takes over only with the group's consent. */
  private syncMember = false;
  /** Such a member's Master_Down_Timer ran out: the takeover waits for 'sync-master'. */
  private syncReadyReason: TransitionReason | undefined;
  /** The last priority-0 advert we answered: a leaving master sends one; a flood gets one answer. */
  private lastStopAnswer: { readonly src: string; readonly atMs: number } | undefined;
  /** As MASTER: the last advert heard below our priority, and when its silence counts. */
  private lowerHeardAtMs: number | undefined;
  private yieldDeadlineMs: number | undefined;
  /** As MASTER: the lower-priority router advertising without a pause of YIELD_SILENCE_INTERVALS. */
  private lowerMaster: LowerMaster | undefined;

  constructor(config: VirtualRouterConfig) {
    checkRouterConfig(config);
    const vips = config.vips.map((vip) => formatIp(parseIp(vip)));
    this.config = { ...config, primaryAddress: formatIp(parseIp(config.primaryAddress)), vips };
    this.vips = vips;
    this.accept = {
      config: this.config,
      vipSet: new Set(vips),
      expectedAuthData:
        config.authPassword === undefined ? undefined : v2AuthDataFromPassword(config.authPassword),
    };
    this.masterAdvertIntervalCs = config.advertIntervalCs;
  }

  get effectivePriority(): number {
    return effectivePriority(this.config.priority, this.tracking.weightDelta);
  }

  /** The earliest absolute time at which handle({type:'timer'}) has work, if any. */
  nextDeadlineMs(): number | undefined {
    if (this.state === 'backup') return this.masterDownDeadlineMs;
    if (this.state === 'master') {
      const yieldMs = this.yieldDeadlineMs;
      const advertMs = this.advertDeadlineMs;
      if (yieldMs === undefined) return advertMs;
      return advertMs === undefined ? yieldMs : Math.min(advertMs, yieldMs);
    }
    return undefined;
  }

  /**
   * What a shutdown now would send (§6.4.3: a MASTER's advert with priority 0), or undefined
   * when it would send nothing. An adapter may send it ahead of the shutdown input, as the
   * process receives SIGTERM, and then say so in that input (releaseSent).
   */
  releaseAdvert(): VrrpAdvert | undefined {
    return this.running && this.state === 'master' ? this.releaseAdvertNow() : undefined;
  }

  private releaseAdvertNow(): VrrpAdvert {
    return this.buildAdvert(STOP_PRIORITY);
  }

  snapshot(): VirtualRouterSnapshot {
    return {
      state: this.state,
      basePriority: this.config.priority,
      effectivePriority: this.effectivePriority,
      masterAddress: this.masterAddress,
      masterAdvertIntervalCs: this.masterAdvertIntervalCs,
      masterDownDeadlineMs: this.masterDownDeadlineMs,
      advertDeadlineMs: this.advertDeadlineMs,
      preemptHoldUntilMs: this.preemptHoldUntilMs,
      lastTransition: this.lastTransition,
      syncReady: this.syncReadyReason !== undefined,
      groupFault: this.groupFault,
      ownFault: this.ownFault(),
      lowerMaster: this.lowerMaster,
    };
  }

  handle(input: VrrpInput): VrrpAction[] {
    const out: VrrpAction[] = [];
    switch (input.type) {
      case 'startup':
        this.handleStartup(input.nowMs, out);
        break;
      case 'timer':
        this.handleTimer(input.nowMs, out);
        break;
      case 'advert':
        this.handleAdvert(input.nowMs, input.src, input.advert, out);
        break;
      case 'tracking':
        this.handleTracking(input.nowMs, input.status, out);
        break;
      case 'priority':
        this.handlePriority(input.nowMs, input.priority, out);
        break;
      case 'vips':
        this.handleVips(input.nowMs, input.vips, out);
        break;
      case 'peers':
        this.config = { ...this.config, unicastPeers: input.peers };
        this.accept = { ...this.accept, config: this.config };
        break;
      case 'sync-member':
        this.syncMember = input.member;
        // Out of the group, a pending takeover needs nobody's consent.
        if (!input.member) this.syncTakeOver(input.nowMs, out);
        break;
      case 'sync-master':
        this.syncTakeOver(input.nowMs, out);
        break;
      case 'sync-backup':
        this.handleSyncBackup(input.nowMs, out);
        break;
      case 'group-fault':
        this.groupFault = input.fault;
        this.reconcileFault(input.nowMs, out);
        break;
      case 'interface': {
        const before = this.ownFault();
        this.interfaceUp = input.up;
        this.tellOwnFault(before, out);
        this.reconcileFault(input.nowMs, out);
        break;
      }
      case 'shutdown':
        this.handleShutdown(input.nowMs, input.releaseSent === true, out);
        break;
      default:
        assertNever(input);
    }
    return out;
  }

  // §6.4.1: Initialize, on Startup.
  private handleStartup(nowMs: number, out: VrrpAction[]): void {
    if (this.running) return;
    this.running = true;
    if (this.wantsFault()) {
      this.enter('fault', 'fault', nowMs, out);
    } else if (this.config.priority === OWNER_PRIORITY) {
      this.becomeMaster(nowMs, 'startup-owner', out);
    } else {
      this.becomeBackup(nowMs, 'startup', this.config.advertIntervalCs, out);
    }
  }

  private handleTimer(nowMs: number, out: VrrpAction[]): void {
    if (
      this.state === 'backup' &&
      this.masterDownDeadlineMs !== undefined &&
      nowMs >= this.masterDownDeadlineMs
    ) {
      // §6.4.2: Master_Down_Timer fired.
      const reason =
        this.downTimerCause === 'silence' && this.lowerDiscarded
          ? 'preempting'
          : TAKEOVER_REASON[this.downTimerCause];
      if (!this.syncMember) {
        this.becomeMaster(nowMs, reason, out);
        return;
      }
      // In a sync group, MASTER only when every member can be (keepalived prefers BACKUP to
      // a split group): ready, and the group decides. No timer while waiting.
      this.masterDownDeadlineMs = undefined;
      if (this.syncReadyReason === undefined) {
        this.syncReadyReason = reason;
        out.push({ type: 'sync-ready', ready: true });
      }
    } else if (
      this.state === 'master' &&
      this.advertDeadlineMs !== undefined &&
      nowMs >= this.advertDeadlineMs
    ) {
      // §6.4.3: Adver_Timer fired.
      const dueMs = this.advertDeadlineMs;
      this.sendAdvert(nowMs, this.effectivePriority, out);
      // Reset from when it was due, not from when it was handled: a timer that fires a
      // millisecond late would otherwise stretch every interval by it (measured: adverts every
      // 101.3 ms at 100 ms). After a stall longer than an interval, from now (no burst).
      const intervalMs = centisecondsToMs(this.config.advertIntervalCs);
      if (nowMs - dueMs < intervalMs) this.advertDeadlineMs = dueMs + intervalMs;
    }
    if (
      this.state === 'master' &&
      this.yieldDeadlineMs !== undefined &&
      nowMs >= this.yieldDeadlineMs &&
      this.lowerHeardAtMs !== undefined
    ) {
      out.push({ type: 'peer-yielded', heardAtMs: this.lowerHeardAtMs });
      this.lowerHeardAtMs = undefined;
      this.yieldDeadlineMs = undefined;
      this.lowerMaster = undefined;
    }
  }

  private handleAdvert(nowMs: number, src: string, advert: VrrpAdvert, out: VrrpAction[]): void {
    if (this.state !== 'backup' && this.state !== 'master') return; // not listening
    const verdict = checkAdvert(this.accept, src, advert);
    if (verdict.drop !== undefined) {
      out.push({ type: 'advert-dropped', reason: verdict.drop, src });
      return;
    }
    if (verdict.anomaly !== undefined)
      out.push({ type: 'advert-anomaly', reason: verdict.anomaly, src });
    if (this.state === 'backup') this.backupReceive(nowMs, src, advert, out);
    else this.masterReceive(nowMs, src, advert, out);
  }

  // §6.4.2: Backup, ADVERTISEMENT received.
  private backupReceive(nowMs: number, src: string, advert: VrrpAdvert, out: VrrpAction[]): void {
    const ours = this.effectivePriority;
    const fromOurMaster = this.masterAddress !== undefined && src === this.masterAddress;
    if (advert.priority === STOP_PRIORITY) {
      // §6.4.2 takes over in Skew_Time on any priority-0 advert. While we follow a master, only
      // its own release counts: another router's (a second master leaving after a healed
      // partition, or a forged packet) would have us take over from a live master that then
      // preempts us back. With no master known, any release counts, as the RFC says.
      if (this.masterAddress !== undefined && !fromOurMaster) {
        out.push({ type: 'advert-dropped', reason: 'foreign-release', src });
        return;
      }
      // The master is leaving: the best backup (shortest Skew_Time) takes over first.
      this.clearSyncReady(out);
      this.startDownTimer(nowMs, 'released');
      this.forgetMaster();
      return;
    }
    if (!this.config.preempt || advert.priority >= ours || this.preemptHeld(nowMs)) {
      if (advert.priority >= ours) this.preemptHoldUntilMs = undefined;
      // v3 learns Master_Adver_Interval from the master; v2 checked it equals ours (§7.1).
      if (advert.version === 3) this.masterAdvertIntervalCs = advert.maxAdvertIntervalCs;
      // A master we must not preempt is alive: a sync member is no longer ready.
      this.clearSyncReady(out);
      this.startDownTimer(nowMs, 'silence');
      this.followMaster(src, nowMs);
      return;
    }
    // Preempt_Mode and a lower priority: §6.4.2 discards the advert. From any router but the
    // master we follow that is all: it neither resets Master_Down_Timer nor starts a takeover
    // (keepalived: "received lower priority advert ... discarding").
    if (!fromOurMaster) {
      out.push({ type: 'advert-dropped', reason: 'lower-priority', src });
      // Following none (we just started), this lower router is the master we will replace.
      if (this.masterAddress === undefined) this.lowerDiscarded = true;
      return;
    }
    // Our master's own priority fell below ours (a tracker). Its adverts are discarded, so it is
    // "down" for us and we take over when Master_Down_Timer runs out; we let it run out as soon
    // as that is safe: Skew_Time after this advert, but never before the master's next advert
    // was due (Master_Adver_Interval after the last one we accepted) plus Skew_Time. A forged
    // copy of this advert, which anyone on the link can send, is then always answered by the
    // live master's next advert at its real priority, which resets the timer (above).
    // A sync member already ready stays ready: its group decides.
    if (this.syncReadyReason !== undefined) return;
    const dueMs = Math.max(
      nowMs,
      this.masterHeardAtMs + centisecondsToMs(this.masterAdvertIntervalCs),
    );
    const preemptAtMs = dueMs + skewTimeMs(this.config.version, ours, this.masterAdvertIntervalCs);
    if (this.masterDownDeadlineMs === undefined || preemptAtMs < this.masterDownDeadlineMs) {
      this.startDownTimer(dueMs, 'preempt');
      this.preemptOverPriority = advert.priority;
    }
  }

  /** The master whose adverts we accepted: only it may release us or be preempted in Skew_Time. */
  private followMaster(src: string, nowMs: number): void {
    this.masterAddress = src;
    this.masterHeardAtMs = nowMs;
  }

  private forgetMaster(): void {
    this.masterAddress = undefined;
  }

  /** (Re)start Master_Down_Timer: Master_Down_Interval after silence, else Skew_Time. */
  private startDownTimer(nowMs: number, cause: DownTimerCause): void {
    this.downTimerCause = cause;
    this.lowerDiscarded = false;
    this.downTimerStartMs = nowMs;
    this.masterDownDeadlineMs = this.downTimerDeadlineMs();
  }

  /** Both intervals depend on our priority (Skew_Time), so a tracking change moves the deadline. */
  private downTimerDeadlineMs(): number {
    const { version } = this.config;
    const priority = this.effectivePriority;
    const length =
      this.downTimerCause === 'silence'
        ? masterDownIntervalMs(version, priority, this.masterAdvertIntervalCs)
        : skewTimeMs(version, priority, this.masterAdvertIntervalCs);
    return this.downTimerStartMs + length;
  }

  /** keepalived's preempt_delay: accept a lower-priority master until the hold runs out. */
  private preemptHeld(nowMs: number): boolean {
    if (this.config.preemptDelayMs <= 0) return false;
    this.preemptHoldUntilMs ??= nowMs + this.config.preemptDelayMs;
    return nowMs < this.preemptHoldUntilMs;
  }

  // §6.4.3: Master, ADVERTISEMENT received.
  private masterReceive(nowMs: number, src: string, advert: VrrpAdvert, out: VrrpAction[]): void {
    const ours = this.effectivePriority;
    // Another router below us, MASTER too (a healed partition) or leaving (§6.4.3): once it has
    // been silent for three of our intervals it has stepped down, and VRRP has settled the group
    // in our favour. The cloud side hears it (peer-yielded): a fence that router's term put on
    // our targets no longer stands. Waiting for the silence keeps a one-way partition (we hear
    // it, it does not hear us: still MASTER) from counting as settled.
    if (advert.priority < ours) {
      this.lowerHeardAtMs = nowMs;
      this.yieldDeadlineMs =
        nowMs + YIELD_SILENCE_INTERVALS * centisecondsToMs(this.config.advertIntervalCs);
      this.noteLowerMaster(nowMs, src, advert.priority);
    }
    if (advert.priority === STOP_PRIORITY) {
      // §6.4.3: another master is leaving: send an ADVERTISEMENT at once so its backups do not
      // take over — even right after our own advert, which they may have heard before its
      // priority 0. A leaving master sends this once; from a peer that keeps sending it, one
      // answer per interval; from senders cycling their source address, one per answer gap in
      // all, so a flood is not reflected onto the link packet for packet.
      const intervalMs = centisecondsToMs(this.config.advertIntervalCs);
      const last = this.lastStopAnswer;
      if (last !== undefined && last.src === src && nowMs - last.atMs < intervalMs) return;
      if (last !== undefined && nowMs - last.atMs < intervalMs * ANSWER_GAP_FRACTION) return;
      this.lastStopAnswer = { src, atMs: nowMs };
      this.sendAdvert(nowMs, ours, out);
      return;
    }
    const higher = advert.priority > ours;
    const tieWon = advert.priority === ours && compareIp(src, this.config.primaryAddress) > 0;
    if (higher || tieWon) {
      const interval =
        advert.version === 3 ? advert.maxAdvertIntervalCs : this.config.advertIntervalCs;
      this.becomeBackup(nowMs, higher ? 'preempted' : 'preempted-by-address', interval, out);
      this.followMaster(src, nowMs);
      return;
    }
    // A lower-priority master exists (a healed partition): §6.4.3 discards its advert. Like
    // keepalived ("forcing new election") and RFC 9568 §6.4.3 we answer at once so it steps down
    // now rather than at our next Adver_Timer.
    this.answerAdvert(nowMs, out);
  }

  /**
   * Who keeps advertising below us, and since when (status: a MASTER that does not yield does
   * not hear us). Its priority 0 is its yield; one record, the latest sender: srcs are untrusted.
   */
  private noteLowerMaster(nowMs: number, src: string, priority: number): void {
    if (priority === STOP_PRIORITY) {
      if (this.lowerMaster?.src === src) this.lowerMaster = undefined;
      return;
    }
    const sinceMs = this.lowerMaster?.src === src ? this.lowerMaster.sinceMs : nowMs;
    this.lowerMaster = { src, priority, sinceMs, lastHeardAtMs: nowMs };
  }

  private answerAdvert(nowMs: number, out: VrrpAction[]): void {
    const gapMs = centisecondsToMs(this.config.advertIntervalCs) * ANSWER_GAP_FRACTION;
    if (nowMs - this.lastAdvertSentMs < gapMs) return;
    this.sendAdvert(nowMs, this.effectivePriority, out);
  }

  private handleTracking(
    nowMs: number,
    status: TrackingStatus,
    out: VrrpAction[],
    priorityChanged = false,
  ): void {
    const before = priorityChanged ? Number.NaN : this.effectivePriority;
    const faultBefore = this.ownFault();
    this.tracking = status;
    this.tellOwnFault(faultBefore, out);
    this.reconcileFault(nowMs, out);
    // A master whose priority moved tells its backups now: a preempting backup then takes over
    // within its Skew_Time instead of at our next Adver_Timer.
    if (this.effectivePriority === before) return;
    if (this.state === 'master') this.sendAdvert(nowMs, this.effectivePriority, out);
    if (
      this.state === 'backup' &&
      this.syncReadyReason !== undefined &&
      this.downTimerCause === 'preempt' &&
      this.effectivePriority <= this.preemptOverPriority
    ) {
      // A sync member ready to preempt no longer outranks that master: it is a live master
      // for us again, and the member is no longer ready.
      this.clearSyncReady(out);
      this.startDownTimer(nowMs, 'silence');
    }
    if (this.state === 'backup' && this.masterDownDeadlineMs !== undefined) {
      // A preemption stands only while we still outrank that master (§6.4.2 discards only
      // adverts below the local priority); otherwise it is a live master again.
      if (this.downTimerCause === 'preempt' && this.effectivePriority <= this.preemptOverPriority) {
        this.downTimerCause = 'silence';
        this.downTimerStartMs = this.masterHeardAtMs;
      }
      this.masterDownDeadlineMs = this.downTimerDeadlineMs();
    }
  }

  /**
   * A reloaded configuration changed our base priority: like a tracking change, the new
   * effective priority is advertised at once by a master and re-times a backup's down timer.
   * Becoming or ceasing to be the owner (255) changes the protocol's rules: not done here.
   */
  private handlePriority(nowMs: number, priority: number, out: VrrpAction[]): void {
    const owner = this.config.priority === OWNER_PRIORITY || priority === OWNER_PRIORITY;
    if (priority === this.config.priority || owner || priority < 1 || priority > 254) return;
    this.config = { ...this.config, priority };
    this.accept = { ...this.accept, config: this.config };
    this.handleTracking(nowMs, this.tracking, out, true);
  }

  /**
   * A reloaded configuration changed the virtual addresses: the state stays. A master removes
   * the addresses that went, adds the new ones, announces them (§6.4.1: gratuitous ARP / NA
   * for the addresses it owns) and advertises at once, so the backups see the new address list
   * (§5.2.9) without waiting for the Adver_Timer. Other states just take the new list. A list
   * of the wrong family or an empty one is ignored: the configuration check refuses both.
   */
  private handleVips(nowMs: number, vips: readonly string[], out: VrrpAction[]): void {
    const next = [...new Set(vips.map((vip) => formatIp(parseIp(vip))))];
    const bytes = this.config.family === 'ipv4' ? 4 : 16;
    if (next.length === 0 || next.some((vip) => parseIp(vip).length !== bytes)) return;
    const gone = this.vips.filter((vip) => !next.includes(vip));
    const added = next.filter((vip) => !this.vips.includes(vip));
    if (gone.length === 0 && added.length === 0 && next.length === this.vips.length) return;
    this.vips = next;
    this.config = { ...this.config, vips: next };
    this.accept = { ...this.accept, config: this.config, vipSet: new Set(next) };
    if (this.state !== 'master') return;
    if (gone.length > 0) out.push({ type: 'del-vips', vips: gone });
    if (added.length > 0) {
      out.push({
        type: 'add-vips',
        vips: added,
        acceptMode: this.config.acceptMode || this.config.priority === OWNER_PRIORITY,
      });
    }
    this.sendAdvert(nowMs, this.effectivePriority, out);
    // Removing addresses ends the announcement schedule: it restarts with the current list.
    out.push({ type: 'send-garp', vips: next });
  }

  /** A ready sync member is no longer ready: its group hears of it (not on a transition). */
  private clearSyncReady(out: VrrpAction[]): void {
    if (this.syncReadyReason === undefined) return;
    this.syncReadyReason = undefined;
    out.push({ type: 'sync-ready', ready: false });
  }

  private syncTakeOver(nowMs: number, out: VrrpAction[]): void {
    const reason = this.syncReadyReason;
    if (reason === undefined || this.state !== 'backup' || !this.running) return;
    this.becomeMaster(nowMs, reason, out);
  }

  /**
   * Another member of our sync group left MASTER (preempted, or it stopped): the group shares
   * one state, so we leave too, with a priority-0 advert so our peer in the group on the other
   * router takes over within Skew_Time (§6.4.3 as on shutdown) rather than Master_Down_Interval.
   */
  private handleSyncBackup(nowMs: number, out: VrrpAction[]): void {
    if (this.state !== 'master' || !this.syncMember) return;
    out.push({ type: 'send-advert', advert: this.buildAdvert(STOP_PRIORITY) });
    this.becomeBackup(nowMs, 'sync-group', this.config.advertIntervalCs, out);
  }

  private handleShutdown(nowMs: number, releaseSent: boolean, out: VrrpAction[]): void {
    if (!this.running) return;
    this.running = false;
    if (this.state === 'master') {
      // §6.4.3: Shutdown: send an ADVERTISEMENT with Priority = 0, go to Initialize.
      this.enter('initialize', 'shutdown', nowMs, out);
      if (!releaseSent) out.push({ type: 'send-advert', advert: this.releaseAdvertNow() });
      this.leaveMasterDuties(out);
    } else if (this.state !== 'initialize') {
      this.enter('initialize', 'shutdown', nowMs, out); // §6.4.2: cancel the timer
    }
  }

  private ownFault(): boolean {
    return !this.interfaceUp || this.tracking.fault;
  }

  private wantsFault(): boolean {
    return this.ownFault() || this.groupFault;
  }

  /** Its sync group follows a FAULT of its own: said first, before the transition it causes. */
  private tellOwnFault(before: boolean, out: VrrpAction[]): void {
    const now = this.ownFault();
    if (now !== before) out.push({ type: 'own-fault', fault: now });
  }

  private reconcileFault(nowMs: number, out: VrrpAction[]): void {
    if (!this.running) return;
    const fault = this.wantsFault();
    if (fault && this.state !== 'fault') {
      const wasMaster = this.state === 'master';
      this.enter('fault', 'fault', nowMs, out);
      if (wasMaster) {
        // Hand over at once, as on shutdown, when we still have a link to say it on.
        if (this.interfaceUp) {
          out.push({ type: 'send-advert', advert: this.buildAdvert(STOP_PRIORITY) });
        }
        this.leaveMasterDuties(out);
      }
    } else if (!fault && this.state === 'fault') {
      // Leaving FAULT is a fresh start (§6.4.1).
      if (this.config.priority === OWNER_PRIORITY) this.becomeMaster(nowMs, 'fault-cleared', out);
      else this.becomeBackup(nowMs, 'fault-cleared', this.config.advertIntervalCs, out);
    }
  }

  private becomeMaster(nowMs: number, reason: TransitionReason, out: VrrpAction[]): void {
    this.enter('master', reason, nowMs, out);
    this.masterAddress = this.config.primaryAddress;
    this.masterAdvertIntervalCs = this.config.advertIntervalCs;
    // §6.4.1/§6.4.2: send an ADVERTISEMENT, then gratuitous ARP / unsolicited NA. The cloud
    // claim goes right after the advert: it is the slowest path and must start first.
    this.sendAdvert(nowMs, this.effectivePriority, out);
    out.push({ type: 'cloud-claim' });
    out.push({
      type: 'add-vips',
      vips: this.vips,
      acceptMode: this.config.acceptMode || this.config.priority === OWNER_PRIORITY,
    });
    out.push({ type: 'send-garp', vips: this.vips });
  }

  private becomeBackup(
    nowMs: number,
    reason: TransitionReason,
    masterAdvertIntervalCs: number,
    out: VrrpAction[],
  ): void {
    const wasMaster = this.state === 'master';
    this.enter('backup', reason, nowMs, out);
    this.masterAdvertIntervalCs = masterAdvertIntervalCs;
    this.startDownTimer(nowMs, 'silence');
    if (wasMaster) this.leaveMasterDuties(out);
  }

  private leaveMasterDuties(out: VrrpAction[]): void {
    out.push({ type: 'del-vips', vips: this.vips });
    out.push({ type: 'cloud-release' });
  }

  /** Every state change goes through here: one transition action, all timers cleared. */
  private enter(to: VrrpState, reason: TransitionReason, nowMs: number, out: VrrpAction[]): void {
    const from = this.state;
    this.state = to;
    this.syncReadyReason = undefined;
    this.masterDownDeadlineMs = undefined;
    this.advertDeadlineMs = undefined;
    this.preemptHoldUntilMs = undefined;
    this.masterAddress = undefined; // a backup learns it from the next advert it accepts
    this.lowerHeardAtMs = undefined;
    this.yieldDeadlineMs = undefined;
    this.lowerMaster = undefined;
    this.lastTransition = { from, to, reason, atMs: nowMs };
    out.push({ type: 'transition', from, to, reason, priority: this.effectivePriority, nowMs });
  }

  private sendAdvert(nowMs: number, priority: number, out: VrrpAction[]): void {
    out.push({ type: 'send-advert', advert: this.buildAdvert(priority) });
    this.lastAdvertSentMs = nowMs;
    this.advertDeadlineMs = nowMs + centisecondsToMs(this.config.advertIntervalCs);
  }

  private buildAdvert(priority: number): VrrpAdvert {
    return advertFor(this.config, priority, this.vips);
  }
}

/** A lower priority silent this many of our advert intervals has stepped down (peer-yielded). */
const YIELD_SILENCE_INTERVALS = 3;

const TAKEOVER_REASON: Record<DownTimerCause, TransitionReason> = {
  silence: 'master-down',
  released: 'master-released',
  preempt: 'preempting',
};

function assertNever(value: never): never {
  throw new Error(`unhandled input ${JSON.stringify(value)}`);
}

/** The advert a member configured as `config` sends at `priority` for `vips` (§5.2, RFC 3768 §5.3). */
export function advertFor(
  config: VirtualRouterConfig,
  priority: number,
  vips: readonly string[],
): VrrpAdvert {
  if (config.version === 2) {
    const password = config.authPassword;
    return {
      version: 2,
      family: 'ipv4',
      vrid: config.vrid,
      priority,
      advertIntervalSec: config.advertIntervalCs / 100,
      authType: password === undefined ? 0 : 1,
      authData: password === undefined ? Buffer.alloc(8) : v2AuthDataFromPassword(password),
      addresses: vips,
    };
  }
  return {
    version: 3,
    family: config.family,
    vrid: config.vrid,
    priority,
    maxAdvertIntervalCs: config.advertIntervalCs,
    addresses: vips,
  };
}
