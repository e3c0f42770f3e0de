// Reload in the lab: instances a and b on two hosts, MASTER on h1, `ip monitor address` on both.
// Phase 1 (no change may show anywhere): SIGHUP after changing b's priority, then b's VIPs (a
// VIP added in place), then adding an instance c, then moving a VIP from b to a and back. Neither host sees a transition of a or b, and
// no VIP of a or b is removed. Phase 2: b's advert interval changes (b alone restarts: it hands
// over and takes back), c is removed (its VIP goes); a still never changes state nor loses its
// VIP, and its tracker (failing, -10) keeps its result. Invalid files are refused.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { floatdCommand, PACKAGE_ROOT } from '../../src/agent/cli/self-command.js';
import type { FloatdAgent } from '../../lab/agents.js';
import { labTempDir, pollUntil, sleep, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.destroy();
});

interface Inst {
  readonly name: string;
  readonly vrid: number;
  readonly priority: number;
  readonly vips: readonly string[];
  readonly intervalMs?: number;
  readonly track?: string;
  readonly notify?: string;
}

/** A check that always fails (nothing listens on port 1): a tracks it, at -10. */
const TRACKERS = [
  'trackers:',
  '  - { name: down, type: tcp, host: 127.0.0.1, port: 1, interval: 200ms, weight: -10, fall: 1 }',
].join('\n');

function yaml(instances: readonly Inst[], top = ''): string {
  const one = (i: Inst): string[] => [
    `  - name: ${i.name}`,
    `    vrid: ${i.vrid}`,
    '    interface: eth0',
    `    priority: ${i.priority}`,
    `    advertInterval: ${i.intervalMs ?? 200}ms`,
    `    vips: [${i.vips.map((v) => `${v}/24`).join(', ')}]`,
    ...(i.track === undefined ? [] : [`    track: [{ tracker: ${i.track} }]`]),
    ...(i.notify === undefined ? [] : [`    notify: { any: ${i.notify} }`]),
  ];
  return [TRACKERS, top, 'instances:', ...instances.flatMap(one), ''].join('\n');
}

/** Writes the file, sends SIGHUP, and returns the agent's answer: its reload or refusal line. */
async function reload(agent: FloatdAgent, text: string): Promise<Record<string, unknown>> {
  const answers = (): Record<string, unknown>[] =>
    agent.logs().filter((l) => l.event === 'reload' || l.event === 'reload-refused');
  const before = answers().length;
  writeFileSync(agent.configPath, text);
  process.kill(agent.proc.pid ?? 0, 'SIGHUP');
  const answered = await pollUntil(() => answers().length > before, 5000);
  if (!answered) throw new Error(`no answer to SIGHUP:\n${agent.proc.output().slice(-3000)}`);
  return answers()[before] as Record<string, unknown>;
}

/** Writes the file and runs `floatd reload` in the agent's host: its exit code and output. */
async function reloadCommand(
  agent: FloatdAgent,
  text: string,
): Promise<{ code: number; output: string }> {
  writeFileSync(agent.configPath, text);
  const { cmd, args } = floatdCommand(['reload']);
  const line = [cmd, ...args].map((a) => `'${a}'`).join(' ');
  const { stdout } = await agent.host.exec('sh', [
    '-c',
    `cd ${PACKAGE_ROOT} && ${line} 2>&1; echo "exit=$?"`,
  ]);
  const code = Number(/exit=(\d+)\s*$/.exec(stdout)?.[1] ?? -1);
  return { code, output: stdout };
}

function transitionsOf(agent: FloatdAgent, instance: string, afterMs = 0): string[] {
  return agent
    .transitions()
    .filter((t) => t.instance === instance && t.atMs >= afterMs)
    .map((t) => `${t.from}->${t.to} (${t.reason})`);
}

/** `ip monitor address` on each host, checked by a control address added and removed. */
async function watchAddresses(
  lab: Lab,
  hosts: readonly LabHost[],
  body: () => Promise<void>,
): Promise<string[][]> {
  const monitors = hosts.map((h) => h.spawn('ip', ['monitor', 'address']));
  try {
    await sleep(300);
    await body();
    const probe = lab.address(250);
    for (const h of hosts) {
      await h.exec('ip', ['addr', 'add', `${probe}/32`, 'dev', 'eth0']);
      await h.exec('ip', ['addr', 'del', `${probe}/32`, 'dev', 'eth0']);
    }
    await sleep(300);
  } finally {
    for (const m of monitors) await m.kill('SIGTERM');
  }
  const deleted = monitors.map((m) =>
    m
      .output()
      .split('\n')
      .filter((l) => l.startsWith('Deleted')),
  );
  for (const d of deleted) expect(d.some((l) => l.includes(`${lab.address(250)}/32`))).toBe(true);
  return deleted;
}

const removes = (lines: readonly string[], vip: string): boolean =>
  lines.some((l) => l.includes(`${vip}/`));

describe('reload (SIGHUP)', () => {
  it('unchanged instances keep their state and VIPs while others change, restart, come and go', async (ctx) => {
    requireLab(ctx);
    lab = await Lab.create({ hosts: 2 });
    const [h1, h2] = [lab.host(1), lab.host(2)];
    const [vipA, vipB, vipB2, vipC] = [121, 122, 124, 123].map((n) => lab!.address(n)) as [
      string,
      string,
      string,
      string,
    ];
    const dir = labTempDir();
    const record = join(dir, 'record.sh');
    const recorded = join(dir, 'notify-h1.txt');
    writeFileSync(record, `#!/bin/sh\necho "$@" >> ${recorded}\n`);
    chmodSync(record, 0o755);
    const a = { name: 'a', vrid: 21, priority: 150, vips: [vipA], track: 'down' };
    const b = { name: 'b', vrid: 22, priority: 150, vips: [vipB] };
    const c = { name: 'c', vrid: 23, priority: 150, vips: [vipC] };
    const backup = (i: Inst): Inst => ({ ...i, priority: 100 });
    const a1 = await startFloatd(h1, yaml([a, b]), dir);
    const a2 = await startFloatd(h2, yaml([backup(a), backup(b)]), dir);
    try {
      await a1.waitForState('master');
      await sleep(1500);
      const t0 = Date.now();

      // Phase 1: nothing of a or b may change state or lose a VIP, on either host.
      const b120 = { ...b, priority: 120 };
      const phase1 = await watchAddresses(lab, [h1, h2], async () => {
        expect(await reload(a1, yaml([a, b120]))).toMatchObject({ inPlace: ['b'], kept: ['a'] });
        await sleep(1000);
        // b gains a notify hook in place: the first one of this agent.
        const b2 = { ...b120, vips: [vipB, vipB2], notify: record };
        expect(await reload(a1, yaml([a, b2]))).toMatchObject({ inPlace: ['b'], kept: ['a'] });
        expect(await pollUntil(() => h1.hasAddress(vipB2), 2000)).toBe(true);
        expect(await reload(a1, yaml([a, b2, c]))).toMatchObject({ added: ['c'] });
        await a1.waitForState('master', 5000, t0);
        expect(await pollUntil(() => h1.hasAddress(vipC), 3000)).toBe(true);
        // vipB2 moves from b to a and back, both MASTER: it never leaves the host (a's removal
        // comes first in file order the second time).
        const aB2 = { ...a, vips: [vipA, vipB2] };
        const bNoB2 = { ...b2, vips: [vipB] };
        expect(await reload(a1, yaml([aB2, bNoB2, c]))).toMatchObject({ inPlace: ['a', 'b'] });
        expect(await reload(a1, yaml([a, b2, c]))).toMatchObject({ inPlace: ['a', 'b'] });
        await sleep(1000);
      });
      console.log(`reload phase 1: deletions seen h1=${phase1[0]?.length} h2=${phase1[1]?.length}`);
      for (const deleted of phase1) {
        for (const vip of [vipA, vipB, vipB2]) expect(removes(deleted, vip)).toBe(false);
      }
      expect(await h1.hasAddress(vipB2)).toBe(true);
      for (const agent of [a1, a2]) {
        expect(transitionsOf(agent, 'a', t0)).toEqual([]);
        expect(transitionsOf(agent, 'b', t0)).toEqual([]);
      }
      const status = await a1.status();
      expect(
        status.instances.map((i) => [i.name, i.state, i.basePriority, i.effectivePriority]),
      ).toEqual([
        ['a', 'master', 150, 140],
        ['b', 'master', 120, 120],
        ['c', 'master', 150, 150],
      ]);

      // Invalid files: refused, nothing changes.
      expect(await reload(a1, 'instances: [ {')).toMatchObject({ event: 'reload-refused' });
      // `floatd reload` prints the outcome and fails on a refusal.
      const statusOff = yaml(
        [a, { ...b120, vips: [vipB, vipB2], notify: record }, c],
        'status: false',
      );
      const refused = await reloadCommand(a1, statusOff);
      expect(refused.code, refused.output).toBe(1);
      expect(refused.output).toMatch(/refused, the running configuration stays: status changed/);

      // Phase 2: b restarts alone (hands over to h2, takes back by preemption), c goes.
      const t1 = Date.now();
      const b3 = { ...b120, vips: [vipB, vipB2], intervalMs: 300, notify: record };
      const phase2 = await watchAddresses(lab, [h1, h2], async () => {
        const applied = await reloadCommand(a1, yaml([a, b3]));
        console.log(`floatd reload printed:\n${applied.output}`);
        expect(applied.code, applied.output).toBe(0);
        expect(applied.output).toMatch(/kept as is: +a\n/);
        expect(applied.output).toMatch(/restarted: +b\n/);
        expect(applied.output).toMatch(/removed: +c\n/);
        const back = await pollUntil(
          () => transitionsOf(a1, 'b', t1).some((t) => t.startsWith('backup->master')),
          8000,
        );
        expect(back).toBe(true);
        await sleep(500);
      });
      expect(removes(phase2[0] ?? [], vipC)).toBe(true);
      expect(removes(phase2[0] ?? [], vipB)).toBe(true);
      for (const deleted of phase2) expect(removes(deleted, vipA)).toBe(false);
      for (const agent of [a1, a2]) expect(transitionsOf(agent, 'a', t0)).toEqual([]);
      console.log(
        `reload phase 2: b on h1 ${transitionsOf(a1, 'b', t1).join(', ')}; on h2 ${transitionsOf(a2, 'b', t1).join(', ')}`,
      );
      expect(transitionsOf(a2, 'b', t1)[0]).toMatch(/^backup->master/);
      expect(await h1.hasAddress(vipA)).toBe(true);
      expect(await h1.hasAddress(vipC)).toBe(false);
      const after = await a1.status();
      expect(after.instances.map((i) => [i.name, i.state, i.effectivePriority])).toEqual([
        ['a', 'master', 140],
        ['b', 'master', 120],
      ]);
      // The notify hook added in place ran: STOP when b restarted, and its new transitions.
      expect(
        await pollUntil(
          () => existsSync(recorded) && /INSTANCE b MASTER/.test(readFileSync(recorded, 'utf8')),
          3000,
        ),
      ).toBe(true);
      // Scripts run concurrently, as keepalived's: their lines may land in any order.
      const lines = readFileSync(recorded, 'utf8').split('\n');
      for (const state of ['STOP', 'BACKUP', 'MASTER']) {
        expect(lines, lines.join('\n')).toContain(`INSTANCE b ${state} 120`);
      }
      // The tracker kept its result across the reloads: a's tracking changed once, at startup.
      const aTracking = a1.logs().filter((l) => l.event === 'tracking' && l.instance === 'a');
      expect(aTracking.map((l) => l.weightDelta)).toEqual([-10]);
    } finally {
      await Promise.all([a1.proc.kill('SIGTERM'), a2.proc.kill('SIGTERM')]);
    }
  });
});
