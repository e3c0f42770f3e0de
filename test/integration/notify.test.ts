// Notify hooks in the lab: scripts get keepalived's arguments (TYPE NAME STATE PRIORITY,
// keepalived.conf(5) "notify"), and a notify_master that sleeps 30 s delays neither the
// takeover nor the adverts that follow it.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FloatdAgent } from '../../lab/agents.js';
import { labTempDir, sleep, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { masterDownIntervalMs } from '../../src/agent/vrrp/intervals.js';
import { requireLab } from '../lab/require-lab.js';

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

const INTERVAL_MS = 200;
const SLEEP_S = 30;

function config(vip: string, priority: number, notify?: string): string {
  return [
    'instances:',
    '  - name: vip1',
    '    vrid: 44',
    '    interface: eth0',
    '    version: 3',
    `    priority: ${priority}`,
    `    advertInterval: ${INTERVAL_MS}ms`,
    `    vips: [${vip}/24]`,
    ...(notify === undefined ? [] : [`    notify: ${notify}`]),
    '',
  ].join('\n');
}

/** A root-owned 0755 script (mkdtemp's 0700 directory): what script security accepts. */
function script(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function recorded(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function waitForLine(file: string, line: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (recorded(file).includes(line)) return Date.now();
    if (Date.now() > deadline) {
      throw new Error(`"${line}" not recorded in ${timeoutMs} ms: ${recorded(file).join(' | ')}`);
    }
    await sleep(50);
  }
}

async function advertsSent(agent: FloatdAgent): Promise<number> {
  const status = await agent.status();
  const mine = status.instances.find((i) => i.name === 'vip1');
  if (mine === undefined) throw new Error('no vip1 in the status');
  return mine.counters.advertsSent;
}

describe('notify hooks in the lab', () => {
  it('passes keepalived arguments in order; a 30 s notify_master delays neither takeover nor adverts', async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 2 });
    labs.push(lab);
    const [h1, h2] = [lab.host(1), lab.host(2)] as [LabHost, LabHost];
    const vip = lab.address(100);
    const dir = labTempDir();
    const recordFile = join(dir, 'record.txt');
    const sleep30 = script(dir, 'sleep30.sh', `sleep ${SLEEP_S}`);
    const record = script(dir, 'record.sh', `echo "$@" >> '${recordFile}'`);
    const mdi = masterDownIntervalMs(3, 100, INTERVAL_MS / 10);

    const a1 = await startFloatd(h1, config(vip, 150), dir);
    // The timeout lets the sleep run its full 30 s rather than race the default 30 s timeout.
    const a2 = await startFloatd(
      h2,
      config(vip, 100, `{ master: "${sleep30}", any: "${record}", timeout: 40s }`),
      dir,
    );
    await a1.waitForState('master', 2 * mdi + 5000);
    await waitForLine(recordFile, 'INSTANCE vip1 BACKUP 100', 5000);
    expect(a2.state('vip1')).toBe('backup');

    // SIGKILL of the MASTER: h2 takes over within Master_Down_Interval (+ 200 ms of slack),
    // although its notify_master is about to sleep for 30 s.
    const killedAtMs = Date.now();
    await a1.proc.kill('SIGKILL');
    const takeover = await a2.waitForState('master', mdi + 3000, killedAtMs);
    const takeoverMs = takeover.atMs - killedAtMs;
    expect(takeoverMs).toBeLessThanOrEqual(mdi + 200);

    // Adverts keep flowing while the script sleeps: >= 4 per second at 200 ms.
    const before = await advertsSent(a2);
    await sleep(1000);
    const after = await advertsSent(a2);
    expect(after - before).toBeGreaterThanOrEqual(4);

    // The `any` script is not held back by the sleeping notify_master (keepalived does not wait
    // either): the MASTER line comes at once, and the adverts keep flowing while the sleep runs.
    const masterLineAtMs = await waitForLine(recordFile, 'INSTANCE vip1 MASTER 100', 3000);
    // Seen after the 1 s advert count above; far from the 30 s the sleep would have cost.
    expect(masterLineAtMs - takeover.atMs).toBeLessThan(5000);
    await sleep(3000);
    const whole = (await advertsSent(a2)) - before;
    const wholeMs = Date.now() - takeover.atMs;
    expect(whole).toBeGreaterThanOrEqual(Math.floor((0.8 * wholeMs) / INTERVAL_MS) - 5);
    const lines = recorded(recordFile);
    expect(lines.indexOf('INSTANCE vip1 BACKUP 100')).toBeLessThan(
      lines.indexOf('INSTANCE vip1 MASTER 100'),
    );
    expect(await h2.hasAddress(vip)).toBe(true);

    // SIGTERM: the STOP notification arrives before floatd exits (it drains STOP scripts).
    expect(await a2.proc.kill('SIGTERM')).toBe(0);
    expect(recorded(recordFile).at(-1)).toBe('INSTANCE vip1 STOP 100');
    console.log(
      `notify: takeover ${takeoverMs} ms after SIGKILL (Master_Down_Interval ${mdi} ms); ` +
        `${after - before} adverts in 1 s; ${whole} adverts in ${wholeMs} ms; ` +
        `MASTER line ${masterLineAtMs - takeover.atMs} ms after the takeover; lines: ${lines.join(' | ')}`,
    );
  }, 60_000);
});
