// Two floatd agents in network namespaces, for each of {v2, v3} x {multicast, unicast}: election,
// the VIP on one host and reachable, takeover after SIGKILL, after link down and after SIGTERM
// (within Skew_Time + 100 ms), preemption on return, and no preemption with nopreempt.
import { afterAll, describe, expect, it } from 'vitest';
import type { FloatdAgent } from '../../lab/agents.js';
import { labTempDir, sleep, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { masterDownIntervalMs, skewTimeMs } from '../../src/agent/vrrp/intervals.js';
import { requireLab } from '../lab/require-lab.js';

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

interface Case {
  readonly version: 2 | 3;
  readonly mode: 'multicast' | 'unicast';
  /** v2 carries whole seconds; v3 runs faster to keep the suite short. */
  readonly intervalCs: number;
}

const CASES: readonly Case[] = [
  { version: 2, mode: 'multicast', intervalCs: 100 },
  { version: 2, mode: 'unicast', intervalCs: 100 },
  { version: 3, mode: 'multicast', intervalCs: 20 },
  { version: 3, mode: 'unicast', intervalCs: 20 },
];

function config(
  c: Case,
  me: LabHost,
  peer: LabHost,
  vip: string,
  priority: number,
  preempt = true,
): string {
  const lines = [
    'instances:',
    '  - name: vip1',
    '    vrid: 42',
    '    interface: eth0',
    `    version: ${c.version}`,
    `    priority: ${priority}`,
    `    advertInterval: ${c.intervalCs * 10}ms`,
    `    preempt: ${preempt}`,
    `    vips: [${vip}/24]`,
    `    mode: ${c.mode}`,
    '    garp: { masterDelay: 0s, masterRepeat: 2 }',
  ];
  if (c.mode === 'unicast') lines.push(`    unicast: { source: ${me.ip}, peers: [${peer.ip}] }`);
  return `${lines.join('\n')}\n`;
}

/** Where the VIP is configured, among the hosts given. */
async function holders(hosts: readonly LabHost[], vip: string): Promise<string[]> {
  const has = await Promise.all(hosts.map((h) => h.hasAddress(vip)));
  return hosts.filter((_, i) => has[i]).map((h) => h.name);
}

/** The client reaches the VIP, and its neighbour entry names `owner`'s MAC. */
async function expectClientReaches(client: LabHost, vip: string, owner: LabHost): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const ok = await client.exec('ping', ['-n', '-c', '1', '-W', '1', vip]).then(
      () => true,
      () => false,
    );
    const mac = await client.neighbourMac(vip);
    if (ok && mac === (await owner.mac())) return;
    if (Date.now() > deadline) {
      throw new Error(
        `client: ping ${ok ? 'ok' : 'failed'}, VIP MAC ${mac}, expected ${owner.name} ${await owner.mac()}`,
      );
    }
    await sleep(50);
  }
}

describe.concurrent.each(CASES)('floatd failover: v$version $mode', (c) => {
  it('elects, fails over on SIGKILL, link down and SIGTERM, preempts, and respects nopreempt', async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 3 });
    labs.push(lab);
    const [h1, h2, client] = [lab.host(1), lab.host(2), lab.host(3)];
    const vip = lab.address(100);
    const dir = labTempDir();
    const mdi = masterDownIntervalMs(c.version, 100, c.intervalCs);
    const skew = skewTimeMs(c.version, 100, c.intervalCs);
    const start = (
      h: LabHost,
      other: LabHost,
      priority: number,
      preempt = true,
    ): Promise<FloatdAgent> => startFloatd(h, config(c, h, other, vip, priority, preempt), dir);

    // Election: the higher priority wins; the VIP is on exactly one host and reachable.
    let a1 = await start(h1, h2, 150);
    const a2 = await start(h2, h1, 100);
    await a1.waitForState('master', 2 * mdi + 5000);
    await sleep(3 * c.intervalCs * 10);
    expect(a2.state()).toBe('backup');
    expect(await holders([h1, h2], vip)).toEqual(['h1']);
    await expectClientReaches(client, vip, h1);

    // SIGKILL of the MASTER: the backup takes over after Master_Down_Interval.
    let t = Date.now();
    await a1.proc.kill('SIGKILL');
    const afterKill = await a2.waitForState('master', mdi + 3000, t);
    expect(afterKill.reason).toBe('master-down');
    expect(afterKill.atMs - t).toBeLessThan(mdi + 500);
    await expectClientReaches(client, vip, h2);

    // h1 returns: it removes the VIP the kill left behind, then preempts.
    t = Date.now();
    a1 = await start(h1, h2, 150);
    const back = await a1.waitForState('master', mdi + 5000, t);
    expect(back.reason).toBe('preempting');
    await a2.waitForState('backup', 3000, t);
    await sleep(200);
    expect(await holders([h1, h2], vip)).toEqual(['h1']);
    await expectClientReaches(client, vip, h1);

    // Link down on the MASTER: it goes FAULT, the backup takes over; link up: it preempts.
    t = Date.now();
    await h1.setLink(false);
    await a1.waitForState('fault', 3000, t);
    await a2.waitForState('master', mdi + 3000, t);
    expect(await h1.hasAddress(vip)).toBe(false);
    await expectClientReaches(client, vip, h2);
    t = Date.now();
    await h1.setLink(true);
    await a1.waitForState('master', mdi + 5000, t);
    await expectClientReaches(client, vip, h1);

    // SIGTERM: priority 0, the backup takes over within its Skew_Time + 100 ms.
    await sleep(3 * c.intervalCs * 10);
    t = Date.now();
    const exited = a1.proc.kill('SIGTERM');
    const handover = await a2.waitForState('master', mdi + 3000, t);
    expect(handover.reason).toBe('master-released');
    expect(handover.atMs - t).toBeLessThanOrEqual(skew + 100);
    expect(await exited).toBe(0);
    expect(await holders([h1, h2], vip)).toEqual(['h2']);
    await expectClientReaches(client, vip, h2);

    // nopreempt: h1 returns with a higher priority but leaves the incumbent alone.
    t = Date.now();
    const a1np = await start(h1, h2, 150, false);
    await a1np.waitForState('backup', 5000, t);
    await sleep(mdi + 4 * c.intervalCs * 10);
    expect(a1np.state()).toBe('backup');
    expect(a2.state()).toBe('master');
    expect(await holders([h1, h2], vip)).toEqual(['h2']);
    // v2 at 1 s: each return of h1 waits its Master_Down_Interval (3.6 s) before preempting.
  }, 120_000);
});
