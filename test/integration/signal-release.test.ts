// Issue 10: a MASTER's priority-0 advert (RFC 5798 §6.4.3) leaves from the SIGTERM handler
// itself (native/floatd-native/release_on_signal.cc), with the packets armed beforehand; the
// core, told so at shutdown, does not send a second one (that would restart the backup's
// Skew_Time). On the wire, seen from a third host: exactly one priority 0 per MASTER instance
// and destination, none from a BACKUP instance, and floatd still stops cleanly.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { labTempDir, pollUntil, sleep, startFloatd } from '../../lab/agents.js';
import { Lab } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'io', 'socket-probe.ts');

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

interface Heard {
  readonly event: string;
  readonly src?: string;
  readonly dst?: string;
  readonly advert?: { vrid: number; priority: number };
}

function yaml(instances: { vrid: number; priority: number; vip: string; peers?: string[] }[]) {
  return [
    'instances:',
    ...instances.flatMap((i) => [
      `  - name: vr${i.vrid}`,
      `    vrid: ${i.vrid}`,
      '    interface: eth0',
      `    priority: ${i.priority}`,
      '    advertInterval: 300ms',
      `    vips: [${i.vip}/24]`,
      ...(i.peers === undefined
        ? []
        : ['    mode: unicast', `    unicast: { peers: [${i.peers.join(', ')}] }`]),
    ]),
    '',
  ].join('\n');
}

describe('SIGTERM: the priority-0 adverts leave from the signal handler', () => {
  it('once per MASTER instance and destination, none from a BACKUP, and the agent stops cleanly', async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 3 });
    labs.push(lab);
    const [h1, h2, h3] = [lab.host(1), lab.host(2), lab.host(3)];
    const dir = labTempDir();
    const vips = [lab.address(101), lab.address(102), lab.address(103)];
    const listener = h3.spawn('node', ['--import', 'tsx', PROBE, 'listen', 'iface=eth0']);
    await listener.waitForOutput(/"event":"ready"/, 20_000);
    // h1: MASTER of 51 (multicast) and 53 (unicast to h2 and h3), BACKUP of 52.
    const a1 = await startFloatd(
      h1,
      yaml([
        { vrid: 51, priority: 150, vip: vips[0] ?? '' },
        { vrid: 52, priority: 50, vip: vips[1] ?? '' },
        { vrid: 53, priority: 150, vip: vips[2] ?? '', peers: [h2.ip, h3.ip] },
      ]),
      dir,
    );
    const a2 = await startFloatd(
      h2,
      yaml([
        { vrid: 51, priority: 100, vip: vips[0] ?? '' },
        { vrid: 52, priority: 100, vip: vips[1] ?? '' },
        { vrid: 53, priority: 100, vip: vips[2] ?? '', peers: [h1.ip] },
      ]),
      dir,
    );
    const settled = (): boolean => {
      const t1 = a1.transitions();
      const t2 = a2.transitions();
      return (
        t1.some((t) => t.instance === 'vr51' && t.to === 'master') &&
        t1.some((t) => t.instance === 'vr53' && t.to === 'master') &&
        t2.some((t) => t.instance === 'vr52' && t.to === 'master')
      );
    };
    expect(await pollUntil(settled, 15_000, 20), a1.proc.output()).toBe(true);
    await sleep(600);

    const heardBefore = listener.output().length;
    const code = await a1.proc.kill('SIGTERM');
    await a2.waitForState('master', 3000, Date.now() - 1000);
    await sleep(500);

    const heard = listener
      .output()
      .slice(heardBefore)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Heard);
    const releases = heard
      .filter((h) => h.event === 'advert' && h.src === h1.ip && h.advert?.priority === 0)
      .map((h) => `${h.advert?.vrid ?? 0}->${h.dst ?? ''}`)
      .sort();
    // 53's copy to h2 goes to h2, not to the listener on h3.
    expect(releases, listener.output()).toEqual(['51->224.0.0.18', `53->${h3.ip}`]);
    expect(code, a1.proc.output()).toBe(0);
    const bySignal = a1.logs().filter((l) => l.event === 'release-sent-by-signal');
    expect(bySignal.map((l) => l.instance).sort()).toEqual(['vr51', 'vr53']);
    expect(a1.logs().some((l) => l.msg === 'stopped')).toBe(true);
    // h2 took over both from the priority 0 (Skew_Time), not from silence.
    for (const vr of ['vr51', 'vr53']) {
      const took = await pollUntil(
        () => a2.transitions().some((t) => t.instance === vr && t.to === 'master'),
        3000,
        10,
      );
      expect(took, a2.proc.output()).toBe(true);
    }
    await Promise.all([a2.proc.kill('SIGTERM'), listener.kill('SIGTERM')]);
  });
});
