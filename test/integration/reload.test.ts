// Reload in the lab: two instances per host; SIGHUP after changing one instance's priority on
// the MASTER host: it is applied in place, no instance changes state and no VIP is removed
// anywhere (watched with `ip monitor address`); an invalid file is refused and changes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { labTempDir, sleep, startFloatd } from '../../src/lab/agents.js';
import type { LabHost } from '../../src/lab/lab.js';
import { Lab } from '../../src/lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.destroy();
});

function yaml(pa: number, pb: number, vipA: string, vipB: string): string {
  const one = (name: string, vrid: number, priority: number, vip: string): string[] => [
    `  - name: ${name}`,
    `    vrid: ${vrid}`,
    '    interface: eth0',
    `    priority: ${priority}`,
    '    advertInterval: 200ms',
    `    vips: [${vip}/24]`,
  ];
  return ['instances:', ...one('a', 21, pa, vipA), ...one('b', 22, pb, vipB), ''].join('\n');
}

function watchAddresses(host: LabHost) {
  return host.spawn('ip', ['monitor', 'address']);
}

describe('reload (SIGHUP)', () => {
  it('a priority change is applied in place: no state change, no VIP removed; a bad file is refused', async (ctx) => {
    requireLab(ctx);
    lab = await Lab.create({ hosts: 2 });
    const [h1, h2] = [lab.host(1), lab.host(2)];
    const [vipA, vipB] = [lab.address(121), lab.address(122)];
    const dir = labTempDir();
    const a1 = await startFloatd(h1, yaml(150, 150, vipA, vipB), dir);
    const a2 = await startFloatd(h2, yaml(100, 100, vipA, vipB), dir);
    await a1.waitForState('master');
    await sleep(1500);
    const transitions1 = a1.transitions().length;
    const transitions2 = a2.transitions().length;
    const monitors = [watchAddresses(h1), watchAddresses(h2)];
    await sleep(300);

    writeFileSync(a1.configPath, yaml(150, 120, vipA, vipB));
    process.kill(a1.proc.pid ?? 0, 'SIGHUP');
    await a1.proc.waitForOutput(/"event":"reload"/, 5000);
    await sleep(1500);
    const status = await a1.status();
    expect(status.instances.map((i) => [i.name, i.state, i.basePriority])).toEqual([
      ['a', 'master', 150],
      ['b', 'master', 120],
    ]);
    expect(a1.transitions().length).toBe(transitions1);
    expect(a2.transitions().length).toBe(transitions2);

    writeFileSync(a1.configPath, 'instances: [ {');
    process.kill(a1.proc.pid ?? 0, 'SIGHUP');
    await a1.proc.waitForOutput(/reload refused/, 5000);
    writeFileSync(a1.configPath, yaml(150, 120, vipA, lab.address(123)));
    process.kill(a1.proc.pid ?? 0, 'SIGHUP');
    await a1.proc.waitForOutput(/only its priority can change while running/, 5000);
    await sleep(500);
    expect(a1.transitions().length).toBe(transitions1);
    expect((await a1.status()).instances.map((i) => i.basePriority)).toEqual([150, 120]);

    // A control: an address added and deleted on each host must show, so the watch works.
    const probe = lab.address(250);
    for (const h of [h1, h2]) {
      await h.exec('ip', ['addr', 'add', `${probe}/32`, 'dev', 'eth0']);
      await h.exec('ip', ['addr', 'del', `${probe}/32`, 'dev', 'eth0']);
    }
    await sleep(300);
    for (const m of monitors) await m.kill('SIGTERM');
    const events = monitors.map((m) => m.output());
    console.log(
      `reload: ip monitor saw ${events.map((e) => e.split('\n').filter(Boolean).length).join(' and ')} lines`,
    );
    for (const e of events) {
      const deleted = e.split('\n').filter((l) => l.startsWith('Deleted'));
      expect(deleted.some((l) => l.includes(`${probe}/32`))).toBe(true);
      for (const vip of [vipA, vipB])
        expect(deleted.some((l) => l.includes(`${vip}/`))).toBe(false);
    }
    expect(await h1.hasAddress(vipA)).toBe(true);
    expect(await h1.hasAddress(vipB)).toBe(true);
    expect(readFileSync(a1.configPath, 'utf8')).toContain('priority: 120');
    await Promise.all([a1.proc.kill('SIGTERM'), a2.proc.kill('SIGTERM')]);
  });
});
