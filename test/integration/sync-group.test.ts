// A sync group in the lab: two instances per host; one tracks a second link (a veth inside the host). When it goes
// down on the MASTER host, that instance goes to FAULT and its partner follows, so both VIPs
// move to the other host together; the group's notify script hears GROUP lines. Link up: both
// come back.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labTempDir, pollUntil, startFloatd } from '../../src/lab/agents.js';
import type { LabHost } from '../../src/lab/lab.js';
import { Lab } from '../../src/lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.destroy();
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
    lab = await Lab.create({ hosts: 2 });
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
    expect(readFileSync(lines, 'utf8')).toMatch(
      /GROUP G1 MASTER 0\n[\s\S]*GROUP G1 FAULT 0\n[\s\S]*GROUP G1 MASTER 0/,
    );
    await Promise.all([a1.proc.kill('SIGTERM'), a2.proc.kill('SIGTERM')]);
  });
});
