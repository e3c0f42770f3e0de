// Gratuitous ARP on a real segment. A takeover with 240 VIPs: floatd in h1 becomes MASTER, and
// h2 (tcpdump on its eth0) sees one GARP per VIP, keepalived's frame from h1's MAC, all within
// a few ms; h2's neighbour table, which held every VIP at h3 (the previous owner), then points
// every VIP at h1. And the sender's socket survives its interface being deleted and re-created.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { labTempDir, pollUntil, startFloatd } from '../../../lab/agents.js';
import { Lab, sh } from '../../lab/lab.js';
import { requireLab } from '../../lab/require-lab.js';

const VIP_COUNT = 240;
let lab: Lab | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'floatd-garp-'));
afterAll(async () => {
  await lab?.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

interface Garp {
  readonly atMs: number;
  readonly srcMac: string;
  readonly vip: string;
  readonly length: number;
}

// 1733440000.123456 02:..:.. > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request
// who-has 10.99.7.10 (ff:ff:ff:ff:ff:ff) tell 10.99.7.10, length 28
const GARP_LINE =
  /^(\d+\.\d+) (\S+) > ff:ff:ff:ff:ff:ff, ethertype ARP \(0x0806\), length (\d+): Request who-has (\S+) \(ff:ff:ff:ff:ff:ff\) tell (\S+), length 28$/;

function garps(tcpdumpOutput: string): Garp[] {
  return tcpdumpOutput.split('\n').flatMap((line) => {
    const m = GARP_LINE.exec(line.trim());
    if (m === null || m[4] !== m[5]) return [];
    return [
      { atMs: Number(m[1]) * 1000, srcMac: m[2] ?? '', length: Number(m[3]), vip: m[4] ?? '' },
    ];
  });
}

describe('gratuitous ARP at wire speed', () => {
  it(`a MASTER with ${VIP_COUNT} VIPs puts one GARP per VIP on the wire within a few ms`, async (ctx) => {
    requireLab(ctx);
    lab = await Lab.create({ hosts: 3 });
    const [h1, h2, h3] = [lab.host(1), lab.host(2), lab.host(3)];
    const vips = Array.from({ length: VIP_COUNT }, (_, i) => lab?.address(10 + i) ?? '');
    const [mac1, mac3] = [await h1.mac(), await h3.mac()];

    // h2 has every VIP cached at h3's MAC, as after h3 held them.
    const batch = join(scratch, 'neigh.batch');
    writeFileSync(
      batch,
      vips.map((v) => `neigh replace ${v} lladdr ${mac3} dev eth0 nud stale\n`).join(''),
    );
    await sh('ip', ['-n', h2.ns, '-batch', batch]);
    expect(await h2.neighbourMac(vips[0] ?? '')).toBe(mac3);

    const tcpdump = h2.spawn('tcpdump', ['-i', 'eth0', '-n', '-l', '-tt', '-e', 'arp']);
    await tcpdump.waitForOutput(/listening on eth0/);
    const yaml = [
      'instances:',
      '  - name: many',
      '    vrid: 17',
      '    interface: eth0',
      '    advertInterval: 100ms',
      `    vips: [${vips.map((v) => `${v}/24`).join(', ')}]`,
      // One burst of one round: exactly one frame per VIP to count.
      '    garp: { masterDelay: 0s, masterRepeat: 1 }',
      '',
    ].join('\n');
    const agent = await startFloatd(h1, yaml, labTempDir());
    const master = await agent.waitForState('master', 10_000);

    const seen = (): Garp[] => garps(tcpdump.output());
    expect(
      await pollUntil(() => seen().length >= VIP_COUNT, 5000),
      `${seen().length} GARPs:\n${tcpdump.output().slice(-2000)}\n${agent.proc.output()}`,
    ).toBe(true);
    await new Promise((r) => setTimeout(r, 200)); // nothing more must come
    const frames = seen();
    expect(frames).toHaveLength(VIP_COUNT);
    expect(new Set(frames.map((f) => f.vip))).toEqual(new Set(vips));
    expect(new Set(frames.map((f) => f.srcMac))).toEqual(new Set([mac1]));
    expect(new Set(frames.map((f) => f.length))).toEqual(new Set([42]));

    const first = Math.min(...frames.map((f) => f.atMs));
    const last = Math.max(...frames.map((f) => f.atMs));
    const added = agent.logs().find((l) => l.event === 'vips-added');
    console.log(
      `GARP burst: ${VIP_COUNT} frames on h2's wire in ${(last - first).toFixed(2)} ms; ` +
        `takeover -> first ${(first - master.atMs).toFixed(1)} ms, -> last ` +
        `${(last - master.atMs).toFixed(1)} ms (VIPs added at +${(Number(added?.time) - master.atMs).toFixed(0)} ms)`,
    );
    expect(last - first).toBeLessThan(20);

    // Every neighbour entry moved to h1.
    const { stdout } = await sh('ip', ['-n', h2.ns, '-j', 'neigh', 'show', 'dev', 'eth0']);
    const table = new Map(
      (JSON.parse(stdout) as { dst: string; lladdr?: string }[]).map((e) => [e.dst, e.lladdr]),
    );
    const stale = vips.filter((v) => table.get(v) !== mac1);
    expect(stale, `not moved to h1 (${mac1})`).toEqual([]);
    await tcpdump.kill();
  });

  it('a re-created interface (new ifindex, new MAC): the sender opens a new socket and the GARP goes out', async (ctx) => {
    requireLab(ctx);
    lab ??= await Lab.create({ hosts: 3 });
    const [h1, h2] = [lab.host(1), lab.host(2)];
    const vip = lab.address(251);
    const tcpdump = h2.spawn('tcpdump', ['-i', 'eth0', '-n', '-l', '-tt', '-e', 'arp']);
    try {
      await tcpdump.waitForOutput(/listening on eth0/);
      const probe = fileURLToPath(new URL('./net-probe.ts', import.meta.url));
      const { stdout } = await h1.exec('node', [
        '--import',
        'tsx',
        probe,
        'garp-recreate',
        'mv0',
        vip,
      ]);
      const result = JSON.parse(stdout.trim()) as {
        before: string;
        after: string;
        counters: { sent: number; failed: number; reopened: number };
      };
      expect(result.before).not.toBe(result.after);
      expect(result.counters).toEqual({ sent: 2, failed: 0, reopened: 1 });
      expect(
        await pollUntil(
          () => garps(tcpdump.output()).filter((g) => g.vip === vip).length >= 2,
          3000,
        ),
        tcpdump.output(),
      ).toBe(true);
      const macs = garps(tcpdump.output())
        .filter((g) => g.vip === vip)
        .map((g) => g.srcMac);
      expect(macs).toEqual([result.before, result.after]);
    } finally {
      await tcpdump.kill();
    }
  });
});
