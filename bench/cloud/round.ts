// One measured cloud failover: SIGKILL the MASTER, then read, for the agent that took over, the
// MASTER decision (its timeline's start), what the EC2 emulator received and when, and what the
// agent confirmed by reading back.
import type { FloatdAgent } from '../../lab/agents.js';
import { sleep } from '../../lab/agents.js';
import type { CloudHost, CloudLab } from '../../lab/cloud-lab.js';
import { acceptedClaims, allOn, claimsBy, ownersNow } from '../../lab/cloud-observe.js';
import { monotonicNowMs } from '../../src/cloud/timing.js';

export interface RoundResult {
  readonly from: string;
  readonly to: string;
  /** SIGKILL of the MASTER -> the BACKUP's MASTER decision (Master_Down_Interval at most). */
  readonly killToDecisionMs: number;
  /** SIGKILL -> every claim accepted by the emulator: the cloud headline. */
  readonly killToAcceptedMs: number;
  /** MASTER decision -> first API request received by the emulator. */
  readonly firstRequestMs: number;
  /** MASTER decision -> first claim request (Assign/Associate/Replace/CreateRoute) received. */
  readonly firstClaimMs: number;
  /** MASTER decision -> the last target's claim accepted (emulator answered 200). */
  readonly allAcceptedMs: number;
  /** MASTER decision -> the last target confirmed by the agent's read-back. */
  readonly allConfirmedMs: number;
  /** API requests the new MASTER sent from its decision until every target was confirmed. */
  readonly calls: number;
}

interface ClaimLine {
  /** The MASTER decision on the host's monotonic clock, which the emulator's log also uses. */
  readonly startedMonoMs: number;
}

interface ConfirmedLine {
  readonly msToConfirmed: number;
}

function lines<T>(agent: FloatdAgent, event: string, afterMs: number): T[] {
  return agent
    .logs()
    .filter((l) => l.event === event && Number(l.time) >= afterMs - 1)
    .map((l) => l as unknown as T);
}

export async function measureRound(
  cloud: CloudLab,
  vip: string,
  master: { agent: FloatdAgent; host: CloudHost },
  backup: { agent: FloatdAgent; host: CloudHost },
  targetCount: number,
): Promise<RoundResult> {
  // Both agents must still be where the last round left them: a BACKUP that took over from a
  // live MASTER (issue 12: a restarted nopreempt agent at 100 ms adverts) is a dual MASTER and a
  // cloud move nopreempt should have prevented. Say so instead of measuring a wrong failover.
  const strayed = backup.agent.transitions().filter((t) => t.to === 'master');
  const lastMasterOfBackup = strayed.at(-1);
  const backupSince = backup.agent.transitions().findLast((t) => t.to === 'backup');
  if (lastMasterOfBackup !== undefined && lastMasterOfBackup.atMs > (backupSince?.atMs ?? 0)) {
    throw new Error(
      `dual MASTER: ${backup.host.host.name} went ${lastMasterOfBackup.from} -> MASTER (${lastMasterOfBackup.reason}) while ${master.host.host.name} was MASTER`,
    );
  }
  const killedAtMs = Date.now();
  // CLOCK_MONOTONIC, as the agents' startedMonoMs and the emulator's log: one clock per host.
  const killedMonoMs = monotonicNowMs();
  await master.agent.proc.kill('SIGKILL');
  await backup.agent.waitForState('master', 15_000, killedAtMs);
  const deadline = Date.now() + 15_000;
  while (
    !allOn(ownersNow(cloud, vip), backup.host.networkInterfaceId) ||
    lines<ConfirmedLine>(backup.agent, 'cloud-confirmed', killedAtMs).length < targetCount
  ) {
    if (Date.now() > deadline) throw new Error(`targets not confirmed on ${backup.host.host.name}`);
    await sleep(20);
  }
  const claims = lines<ClaimLine>(backup.agent, 'cloud-claim', killedAtMs);
  const decisionMs = Math.min(...claims.map((c) => c.startedMonoMs));
  const confirmed = lines<ConfirmedLine>(backup.agent, 'cloud-confirmed', killedAtMs);
  const allConfirmedMs = Math.max(...confirmed.map((c) => c.msToConfirmed));
  const mine = cloud.emulator.requests.filter(
    (r) => r.accessKeyId === backup.host.accessKeyId && r.monoMs >= decisionMs,
  );
  const firstClaim = claimsBy(mine, backup.host.accessKeyId)[0];
  const accepted = acceptedClaims(mine);
  const confirmedAtMs = decisionMs + allConfirmedMs;
  const allAcceptedAtMs = Math.max(...accepted.map((r) => r.monoMs + r.delayMs));
  return {
    from: master.host.host.name,
    to: backup.host.host.name,
    killToDecisionMs: decisionMs - killedMonoMs,
    killToAcceptedMs: allAcceptedAtMs - killedMonoMs,
    firstRequestMs: (mine[0]?.monoMs ?? NaN) - decisionMs,
    firstClaimMs: (firstClaim?.monoMs ?? NaN) - decisionMs,
    allAcceptedMs: allAcceptedAtMs - decisionMs,
    allConfirmedMs,
    calls: mine.filter((r) => r.monoMs <= confirmedAtMs).length,
  };
}
