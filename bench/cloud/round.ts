// One measured cloud failover: SIGKILL the MASTER, then read, for the agent that took over, the
// MASTER decision (its timeline's start), what the EC2 emulator received and when, and what the
// agent confirmed by reading back.
import type { FloatdAgent } from '../../src/lab/agents.js';
import { sleep } from '../../src/lab/agents.js';
import type { CloudHost, CloudLab } from '../../src/lab/cloud-lab.js';
import { acceptedClaims, allOn, claimsBy, ownersNow } from '../../src/lab/cloud-observe.js';

export interface RoundResult {
  readonly from: string;
  readonly to: string;
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
  const killedAtMs = Date.now();
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
  return {
    from: master.host.host.name,
    to: backup.host.host.name,
    firstRequestMs: (mine[0]?.monoMs ?? NaN) - decisionMs,
    firstClaimMs: (firstClaim?.monoMs ?? NaN) - decisionMs,
    allAcceptedMs: Math.max(...accepted.map((r) => r.monoMs + r.delayMs)) - decisionMs,
    allConfirmedMs,
    calls: mine.filter((r) => r.monoMs <= confirmedAtMs).length,
  };
}
