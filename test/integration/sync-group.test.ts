// A sync group in the lab: two instances per host; one tracks a second link (a veth inside the host). When it goes
// down on the MASTER host, that instance goes to FAULT and its partner follows, so both VIPs
// move to the other host together; the group's notify script hears GROUP lines. Link up: both
// come back.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labTempDir, pollUntil, sleep, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

function yaml(priority: number, vipA: string, vipB: string, record: string): string {
  const instance = (name: string, vrid: number, vip: string, track: string): string[] => [
    `  - name: ${name}`,
    `    vrid: ${vrid}`,
    '    interface: eth0',
    `    priority: ${priority}`,
    '    advertInterval: 200ms',
    `    vips: [${vip}/24]`,
    ...(track === '' ? [] : [`    track: [${track}]`]),
  ];
  return [
    'syncGroups:',
    `  - { name: G1, instances: [a, b], notify: { any: ${record} } }`,
    'instances:',
    ...instance('a', 31, vipA, '{ interface: dum0 }'),
    ...instance('b', 32, vipB, ''),
    '',
  ].join('\n');
}

/** A second link to track (a veth pair inside the host: this kernel has no dummy driver). */
async function addDummy(host: LabHost): Promise<void> {
  await host.exec('ip', ['link', 'add', 'dum0', 'type', 'veth', 'peer', 'name', 'dum1']);
  await host.exec('ip', ['link', 'set', 'dum1', 'up']);
  await host.exec('ip', ['link', 'set', 'dum0', 'up']);
}

describe('sync group', () => {
  it('one member in FAULT takes the group with it; both VIPs move together and come back', async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 2 });
    labs.push(lab);
    const [h1, h2] = [lab.host(1), lab.host(2)];
    const [vipA, vipB] = [lab.address(101), lab.address(102)];
    const dir = labTempDir();
    const record = join(dir, 'record.sh');
    const lines = join(dir, 'group-h1.txt');
    writeFileSync(record, `#!/bin/sh\necho "$@" >> ${lines}\n`);
    chmodSync(record, 0o755);
    await Promise.all([addDummy(h1), addDummy(h2)]);
    const a1 = await startFloatd(h1, yaml(150, vipA, vipB, record), dir);
    await a1.waitForState('master');
    const a2 = await startFloatd(h2, yaml(100, vipA, vipB, join(dir, 'none.sh')), dir);
    expect(
      await pollUntil(async () => (await h1.hasAddress(vipA)) && (await h1.hasAddress(vipB)), 5000),
    ).toBe(true);

    const downAt = Date.now();
    await h1.exec('ip', ['link', 'set', 'dum0', 'down']);
    expect(
      await pollUntil(async () => (await h2.hasAddress(vipA)) && (await h2.hasAddress(vipB)), 5000),
    ).toBe(true);
    console.log(`sync group: both VIPs on h2 ${Date.now() - downAt} ms after dum0 went down on h1`);
    expect(await h1.hasAddress(vipA)).toBe(false);
    expect(await h1.hasAddress(vipB)).toBe(false);
    const faults = a1.transitions().filter((t) => t.to === 'fault' && t.atMs >= downAt - 5);
    expect(faults.map((t) => t.instance).sort()).toEqual(['a', 'b']);
    expect(
      await pollUntil(
        () => existsSync(lines) && readFileSync(lines, 'utf8').includes('GROUP G1 FAULT 0'),
        3000,
      ),
    ).toBe(true);

    await h1.exec('ip', ['link', 'set', 'dum0', 'up']);
    expect(
      await pollUntil(async () => (await h1.hasAddress(vipA)) && (await h1.hasAddress(vipB)), 8000),
    ).toBe(true);
    // The notify script runs after the transition, so its line may follow the VIPs by a moment.
    const sequence = /GROUP G1 MASTER 0\n[\s\S]*GROUP G1 FAULT 0\n[\s\S]*GROUP G1 MASTER 0/;
    await pollUntil(() => sequence.test(readFileSync(lines, 'utf8')), 3000);
    expect(readFileSync(lines, 'utf8')).toMatch(sequence);
    await Promise.all([a1.proc.kill('SIGTERM'), a2.proc.kill('SIGTERM')]);
  });

  it('members share MASTER and BACKUP: one alone never takes over; one preempted takes the others out', async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 2 });
    labs.push(lab);
    const [h1, h2] = [lab.host(1), lab.host(2)];
    const [vipA, vipB] = [lab.address(111), lab.address(112)];
    const dir = labTempDir();
    const plain = (pa: number, pb: number, group: boolean): string =>
      [
        ...(group ? ['syncGroups:', '  - { name: G1, instances: [a, b] }'] : []),
        'instances:',
        ...[
          ['a', 31, pa, vipA],
          ['b', 32, pb, vipB],
        ].flatMap(([name, vrid, priority, vip]) => [
          `  - { name: ${name}, vrid: ${vrid}, interface: eth0, priority: ${priority},`,
          `      advertInterval: 200ms, vips: [${vip}/24] }`,
        ]),
        '',
      ].join('\n');
    const a1 = await startFloatd(h1, plain(150, 150, true), dir);
    await a1.waitForState('master');
    let a2 = await startFloatd(h2, plain(100, 100, true), dir);
    await a2.waitForState('backup');
    await sleep(1000);

    // VRID 31's adverts no longer reach h2: its a is ready to take over, its b hears h1's b, so
    // the group stays BACKUP and no VIP is on two hosts.
    const lostAt = Date.now();
    await h2.dropVrid(31);
    expect(
      await pollUntil(
        () => a2.logs().some((l) => l.event === 'sync-ready' && l.instance === 'a'),
        3000,
      ),
    ).toBe(true);
    await sleep(1500);
    expect(a2.transitions().filter((t) => t.atMs >= lostAt)).toEqual([]);
    expect([await h2.hasAddress(vipA), await h2.hasAddress(vipB)]).toEqual([false, false]);
    expect([await h1.hasAddress(vipA), await h1.hasAddress(vipB)]).toEqual([true, true]);
    await h2.clearDrops();
    await a2.proc.kill('SIGTERM');

    // h2 now runs a at 200 outside any group: it preempts h1's a, and h1's b follows a out of
    // MASTER (priority 0), so h2's b takes over too: the group's VIPs stay on one host.
    const preemptAt = Date.now();
    a2 = await startFloatd(h2, plain(200, 100, false), dir);
    expect(
      await pollUntil(async () => (await h2.hasAddress(vipA)) && (await h2.hasAddress(vipB)), 8000),
    ).toBe(true);
    console.log(`sync group: both VIPs on h2 ${Date.now() - preemptAt} ms after h2 started`);
    const h1b = a1.transitions().filter((t) => t.instance === 'b' && t.atMs >= preemptAt);
    expect(h1b[0]).toMatchObject({ from: 'master', to: 'backup', reason: 'sync-group' });
    await sleep(1500);
    expect([await h1.hasAddress(vipA), await h1.hasAddress(vipB)]).toEqual([false, false]);
    expect([await h2.hasAddress(vipA), await h2.hasAddress(vipB)]).toEqual([true, true]);
    await Promise.all([a1.proc.kill('SIGTERM'), a2.proc.kill('SIGTERM')]);
  });
});
