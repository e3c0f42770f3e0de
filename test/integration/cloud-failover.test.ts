// Cloud failover end to end: two floatd agents in unicast mode in network namespaces, each with
// its IMDSv2 fake, one shared EC2 emulator reached over HTTP through the real SDK. A SIGKILL of
// the MASTER moves a secondary IP, an Elastic IP and a route (two tables) to the new MASTER's
// ENI; a BACKUP never claims; a split brain moves each target at most once and fences the older
// MASTER until VRRP settles; IMDS down and bad credentials are reported, not fatal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloatdAgent } from '../../lab/agents.js';
import { labTempDir, pollUntil, sleep, startFloatd } from '../../lab/agents.js';
import {
  cloudLabSubnet,
  createCloudLab,
  type CloudHost,
  type CloudLab,
} from '../../lab/cloud-lab.js';
import { runPlan, type CloudPlan } from '../../src/agent/cli/plan-command.js';
import {
  actionsByTargetKind,
  acceptedClaims,
  allOn,
  claimsBy,
  ownerChangesByResource,
  ownersNow,
} from '../../lab/cloud-observe.js';
import type { TargetStatus } from '../../src/cloud/reconcile/status.js';
import { Lab, labUnavailableReason } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

let lab: Lab | undefined;
let cloud: CloudLab | undefined;
const agents: FloatdAgent[] = [];

afterAll(async () => {
  await Promise.all(agents.map((a) => a.proc.kill('SIGKILL').catch(() => undefined)));
  await cloud?.close();
  await lab?.destroy();
});

const VIP_OCTET = 100;

function yaml(c: CloudLab, me: CloudHost, peer: CloudHost, vip: string, priority: number): string {
  return [
    c.cloudYaml({ recheckInterval: '1s', fenceLease: '5s', disableSourceDestCheck: true }),
    'instances:',
    '  - name: web',
    '    vrid: 61',
    '    interface: eth0',
    `    priority: ${priority}`,
    '    advertInterval: 200ms',
    `    vips: [${vip}/24]`,
    '    mode: unicast',
    `    unicast: { source: ${me.host.ip}, peers: [${peer.host.ip}] }`,
    '    garp: { masterDelay: 0s, masterRepeat: 1 }',
    ...c.targetsYaml(),
    '',
  ].join('\n');
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  if (!(await pollUntil(check, timeoutMs))) throw new Error(`timed out waiting for ${what}`);
}

describe('cloud failover in the lab (unicast, IMDS fakes, EC2 emulator)', () => {
  let h1: CloudHost;
  let h2: CloudHost;
  let vip: string;
  const dir = labTempDir();
  const start = async (who: CloudHost, priority: number, env = {}): Promise<FloatdAgent> => {
    const other = who === h1 ? h2 : h1;
    const agent = await startFloatd(
      who.host,
      yaml(cloud as CloudLab, who, other, vip, priority),
      dir,
      {
        ...who.env,
        ...env,
      },
    );
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    // Each test calls requireLab (fails in CI, skips elsewhere); only build what can be built.
    if (labUnavailableReason() !== undefined) return;
    lab = await Lab.create({ hosts: 2, rootAccess: true, subnet: cloudLabSubnet() });
    cloud = await createCloudLab(lab, lab.hosts);
    [h1, h2] = cloud.hosts as [CloudHost, CloudHost];
    vip = lab.address(VIP_OCTET);
  });

  it('moves every target type to the new MASTER after SIGKILL; a BACKUP never claims', async (ctx) => {
    requireLab(ctx);
    const c = cloud as CloudLab;
    const a1 = await start(h1, 150);
    await a1.waitForState('master');
    await waitFor('targets on h1', () => allOn(ownersNow(c, vip), h1.networkInterfaceId));
    const a2 = await start(h2, 100);
    await a2.waitForState('backup');
    // Several re-check intervals pass with h2 in BACKUP.
    await sleep(2500);
    // Said first: a claim from h2 means nothing unless h2 stayed BACKUP (a loaded machine can
    // make it miss h1's adverts and, rightly, take over).
    expect(
      a2.transitions().map((t) => `${t.from}->${t.to} (${t.reason})`),
      a2.proc.output(),
    ).toEqual(['initialize->backup (startup)']);
    expect(claimsBy(c.emulator.requests, h2.accessKeyId)).toEqual([]);

    await a1.proc.kill('SIGKILL');
    const master = await a2.waitForState('master', 10_000);
    await waitFor('targets on h2', () => allOn(ownersNow(c, vip), h2.networkInterfaceId));
    const owners = ownersNow(c, vip);
    expect(owners.secondaryIp).toBe(h2.networkInterfaceId);
    expect(owners.elasticIp).toBe(h2.networkInterfaceId);
    expect(owners.routes).toEqual([h2.networkInterfaceId, h2.networkInterfaceId]);

    // h2's claims all came after its MASTER decision (pino's time is whole ms).
    const h2Claims = claimsBy(c.emulator.requests, h2.accessKeyId);
    expect(h2Claims.length).toBeGreaterThan(0);
    for (const claim of h2Claims) expect(claim.atMs).toBeGreaterThanOrEqual(master.atMs - 1);

    // The status shows each target converged with its failover timeline.
    // The agent reads back on its own schedule: ask until it has confirmed every target.
    let targets: TargetStatus[] = [];
    const deadline = Date.now() + 5000;
    do {
      targets = [...((await a2.status()).instances[0]?.cloud?.targets ?? [])];
      if (targets.every((t) => t.phase === 'converged')) break;
      await sleep(100);
    } while (Date.now() < deadline);
    expect(targets.map((t) => t.kind).sort()).toEqual([
      'elastic-ip',
      'route-table',
      'secondary-ip',
    ]);
    for (const t of targets) {
      expect(t.phase).toBe('converged');
      const tl = t.timeline;
      expect(tl?.trigger).toBe('became-master');
      expect(tl?.firstRequestAtMs).toBeGreaterThanOrEqual(tl?.startedAtMs ?? Infinity);
      expect(tl?.acceptedAtMs).toBeGreaterThanOrEqual(tl?.firstRequestAtMs ?? Infinity);
      expect(tl?.confirmedAtMs).toBeGreaterThanOrEqual(tl?.acceptedAtMs ?? Infinity);
    }
    // The decision and the emulator's arrival times on the host's monotonic clock (both
    // processes read the same one; their epoch clocks drift apart).
    const claimLines = a2.logs().filter((l) => l.event === 'cloud-claim');
    const decision = Math.min(...claimLines.map((l) => Number(l.startedMonoMs)));
    const firstSeen = c.emulator.requests.find(
      (r) => r.accessKeyId === h2.accessKeyId && r.monoMs >= decision,
    );
    console.log(
      `cloud e2e: MASTER decision -> first API request at the emulator ${((firstSeen?.monoMs ?? NaN) - decision).toFixed(2)} ms; ` +
        targets
          .map(
            (t) =>
              `${t.kind} confirmed +${((t.timeline?.confirmedAtMs ?? NaN) - (t.timeline?.startedAtMs ?? NaN)).toFixed(1)} ms`,
          )
          .join(', '),
    );

    // floatd plan lists, per target type, exactly the calls the emulator saw from both agents
    // (startup checks, claims, fence records, read-backs, re-checks).
    const out: string[] = [];
    const code = await runPlan(['-c', a2.configPath, '--json'], {
      stdout: (text) => out.push(text),
      stderr: (text) => out.push(text),
    });
    expect(code).toBe(0);
    const plan = JSON.parse(out.join('')) as CloudPlan;
    const seen = actionsByTargetKind(
      c.emulator.requests.filter((r) => r.action !== ''), // warmUp's unsigned GET is no call
      c,
    );
    for (const target of plan.instances[0]?.targets ?? []) {
      const { startup, onMaster, readBack, whileMaster } = target.phases;
      const planned = [...new Set([...startup, ...onMaster, ...readBack, ...whileMaster])].sort();
      console.log(`plan vs emulator, ${target.kind}: ${planned.join(', ')}`);
      expect([...seen[target.kind]].sort()).toEqual(planned);
    }
    agents.splice(agents.indexOf(a1), 1);
  });

  it('split brain: each target moves at most once until the split heals; the fenced MASTER says so', async (ctx) => {
    requireLab(ctx);
    const c = cloud as CloudLab;
    const a2 = agents.at(-1) as FloatdAgent;
    // h1 returns with the higher priority and preempts: every target back on h1.
    const a1 = await start(h1, 150);
    await a1.waitForState('master');
    await waitFor('targets back on h1', () => allOn(ownersNow(c, vip), h1.networkInterfaceId));
    await a2.waitForState('backup', 5000, Date.now() - 10_000);
    await sleep(1500); // h1's fence record renewed at least once

    // Cut VRRP both ways; both still reach the emulator.
    const splitAt = c.emulator.requests.length;
    await Promise.all([h1.host.dropVrrp(100), h2.host.dropVrrp(100)]);
    await a2.waitForState('master', 10_000, Date.now() - 100);
    // Both are MASTER now. h1 finds itself fenced at a re-check (1 s), or, when its re-check
    // saw h2's claim before h2's record, after drift confirmation (5 s): allow both, and load.
    const bothMasterAt = Date.now();
    const isFenced = async (): Promise<boolean> => {
      const cloudStatus = (await a1.status()).instances[0]?.cloud;
      const targets = cloudStatus?.targets ?? [];
      return targets.length > 0 && targets.every((t) => t.phase === 'fenced');
    };
    while (!(await isFenced())) {
      if (Date.now() - bothMasterAt > 15_000) throw new Error('h1 not fenced 15 s into the split');
      await sleep(100);
    }
    console.log(
      `split brain: h1 fenced on every target ${Date.now() - bothMasterAt} ms after both MASTER`,
    );
    // Give the older MASTER many re-checks to fight back, if it would.
    await sleep(4000);
    const during = c.emulator.requests.slice(splitAt);
    const changes = ownerChangesByResource([
      ...acceptedClaims(c.emulator.requests.slice(0, splitAt)).slice(-4),
      ...during,
    ]);
    console.log(
      `split brain: owner changes per target during the split ${JSON.stringify(changes)}`,
    );
    // Each target, and each route table on its own, moved at most once.
    expect(Object.keys(changes).length).toBe(4);
    for (const [resource, n] of Object.entries(changes)) expect(n, resource).toBeLessThanOrEqual(1);
    expect(a1.state()).toBe('master');
    const fenced = (await a1.status()).instances[0]?.cloud;
    expect(fenced?.fenced).toBe(true);
    for (const t of fenced?.targets ?? []) {
      expect(t.phase).toBe('fenced');
      expect(t.fencedBy?.owner).toBe(h2.instanceId);
    }

    // Heal: h1 (150) wins the election; h2 steps down; h1 claims again.
    await Promise.all([h1.host.clearDrops(), h2.host.clearDrops()]);
    await waitFor('targets back on h1 after the heal', () =>
      allOn(ownersNow(c, vip), h1.networkInterfaceId),
    );
    const healed = (await a1.status()).instances[0]?.cloud;
    expect(healed?.fenced).toBe(false);
    expect(a2.state()).toBe('backup');
  });

  it('IMDS down at startup: a clear error, retries, VRRP runs, and the claim follows once it is back', async (ctx) => {
    requireLab(ctx);
    const c = cloud as CloudLab;
    for (const a of agents.splice(0)) await a.proc.kill('SIGTERM');
    await h1.imds.setDown(true);
    try {
      const a1 = await start(h1, 150);
      await a1.waitForState('master');
      await waitFor('a discovery error', () =>
        a1.logs().some((l) => String(l.msg).startsWith('cloud identity discovery failed')),
      );
      const line = a1
        .logs()
        .find((l) => String(l.msg).startsWith('cloud identity discovery failed'));
      expect(String(line?.msg)).toMatch(/next retry in \d+ ms/);
      expect(a1.proc.running).toBe(true);
      await h1.imds.setDown(false);
      await waitFor(
        'targets on h1 after IMDS returned',
        () => allOn(ownersNow(c, vip), h1.networkInterfaceId),
        40_000,
      );
    } finally {
      await h1.imds.setDown(false);
      for (const a of agents.splice(0)) await a.proc.kill('SIGTERM');
    }
  });

  it('bad credentials: a clear error naming the call, no crash', async (ctx) => {
    requireLab(ctx);
    const a2 = await start(h2, 200, { AWS_SECRET_ACCESS_KEY: 'wrong-secret' });
    await a2.waitForState('master');
    await waitFor('a credentials error', () =>
      a2.logs().some((l) => l.event === 'cloud-call-failed' || l.event === 'cloud-preflight'),
    );
    const errors = a2
      .logs()
      .filter((l) => l.event === 'cloud-call-failed' || l.event === 'cloud-preflight')
      .map((l) => `${String(l.call ?? '')} ${String(l.msg)} ${String(l.message ?? '')}`);
    expect(errors.join('\n')).toMatch(/SignatureDoesNotMatch/);
    expect(errors.join('\n')).toMatch(
      /DescribeNetworkInterfaces|AssignPrivateIpAddresses|CreateTags/,
    );
    expect(a2.proc.running).toBe(true);
    await a2.proc.kill('SIGTERM');
    agents.splice(agents.indexOf(a2), 1);
  });
});
