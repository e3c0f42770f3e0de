// floatd over IPv6 end to end: VRRPv3 to ff02::12 from link-local sources, an IPv6 VIP, election,
// graceful handover (priority 0) and takeover from a dead host.
import { afterAll, describe, expect, it } from 'vitest';
import { labTempDir, sleep, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab, sh } from '../../lab/lab.js';
import { masterDownIntervalMs, skewTimeMs } from '../../src/agent/vrrp/intervals.js';
import { requireLab } from '../lab/require-lab.js';

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

async function hasIpv6(host: LabHost, address: string): Promise<boolean> {
  const { stdout } = await sh('ip', ['-n', host.ns, '-j', '-6', 'addr', 'show', 'dev', 'eth0']);
  const [link] = JSON.parse(stdout) as { addr_info: { local: string }[] }[];
  return link?.addr_info.some((a) => a.local === address) ?? false;
}

describe('floatd over IPv6 (VRRPv3)', () => {
  it('elects, hands over on SIGTERM within Skew_Time + 100 ms, and takes over from a dead host', async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 2 });
    labs.push(lab);
    const [h1, h2] = [lab.host(1), lab.host(2)];
    const vip = 'fd00:99::100';
    const intervalCs = 20;
    const config = (priority: number): string =>
      [
        'instances:',
        '  - name: v6',
        '    vrid: 77',
        '    interface: eth0',
        `    priority: ${priority}`,
        `    advertInterval: ${intervalCs * 10}ms`,
        `    vips: [${vip}/64]`,
        '',
      ].join('\n');
    const dir = labTempDir();
    // The link-local address (our advert source) appears once eth0 is up and DAD is done.
    await sleep(2000);
    const a1 = await startFloatd(h1, config(150), dir);
    const a2 = await startFloatd(h2, config(100), dir);
    await a1.waitForState('master', 10_000);
    await sleep(5 * intervalCs * 10);
    expect(a2.state()).toBe('backup');
    expect(await hasIpv6(h1, vip)).toBe(true);
    expect(await hasIpv6(h2, vip)).toBe(false);

    let t = Date.now();
    await a1.proc.kill('SIGTERM');
    const handover = await a2.waitForState('master', 5000, t);
    expect(handover.reason).toBe('master-released');
    expect(handover.atMs - t).toBeLessThanOrEqual(skewTimeMs(3, 100, intervalCs) + 100);
    expect(await hasIpv6(h1, vip)).toBe(false);
    expect(await hasIpv6(h2, vip)).toBe(true);

    const restartAt = Date.now();
    const b1 = await startFloatd(h1, config(150), dir);
    await b1.waitForState('master', 10_000, restartAt);
    await a2.waitForState('backup', 5000, restartAt);
    t = Date.now();
    await Promise.all([b1.proc.kill('SIGKILL'), h1.disconnect()]);
    const takeover = await a2.waitForState('master', 5000, t);
    expect(takeover.reason).toBe('master-down');
    expect(takeover.atMs - t).toBeLessThan(masterDownIntervalMs(3, 100, intervalCs) + 300);
  });
});
