// npm run bench:footprint: what an agent costs a small host, floatd beside keepalived in one run.
// floatd is the release (npm run package) as users run it, unpacked once per lab host.
//   1. One instance, idle MASTER (1 s adverts): RSS of the agent's main process, and RSS and
//      PSS summed over its whole process group (keepalived's parent and VRRP child; floatd and
//      its `ip monitor` helper).
//   2. floatd with cloud targets (secondary IP, Elastic IP, two routes) against the EC2
//      emulator, after its MASTER claim: the AWS SDK loaded (keepalived has no such part).
//   3. 255 VRIDs at 100 ms adverts, h1 MASTER (150) and h2 BACKUP (100), for --duration-s: h1's
//      RSS (max sampled), CPU % of h1's and h2's groups, advert jitter on the wire (a capture on
//      h3: each VRID's gap between consecutive adverts minus 100 ms, p50/p99/max) and spurious
//      transitions (adverts from h2, which a settled BACKUP never sends).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRelease } from '../infra/release/package.js';
import type { Command } from '../src/agent/cli/self-command.js';
import { labTempDir, sleep, startFloatd } from '../lab/agents.js';
import { cloudLabSubnet, createCloudLab } from '../lab/cloud-lab.js';
import { Lab, sh, type LabHost } from '../lab/lab.js';
import type { LabProcess } from '../lab/lab-process.js';
import { blockAddress } from './failover/many-vips/layout.js';
import { WireTap } from './failover/many-vips/wire-tap.js';
import { IMPL_NAMES, implementation, type ImplName } from './failover/routers.js';

const USAGE = `Usage: npm run bench:footprint -- [options]

Memory and CPU of one agent, floatd beside keepalived in the same lab (root, iproute2,
keepalived, tcpdump): one idle instance, floatd with cloud targets (EC2 emulator), and 255 VRIDs
at 100 ms adverts (RSS, CPU %, advert jitter, spurious transitions).

Options:
  --duration-s N   how long the 255-VRID case is measured (default 120)
  --impls LIST     floatd,keepalived (default both)
  -h, --help       this text`;

/**
 * Memory is sampled this long after MASTER (or the cloud claims): the steady state a small host
 * lives with, after floatd hands start-up memory back (10 s after it starts: run-command.ts).
 */
const STEADY_AFTER_MS = 15_000;

/** floatd as users run it: the release tarball, unpacked once per lab host (as on two machines). */
type FloatdOn = (host: LabHost) => (args: readonly string[]) => Command;

async function unpackRelease(hostNames: readonly string[]): Promise<FloatdOn> {
  console.log('bench:footprint: building the release (npm run package) to run it as users do...');
  const release = await buildRelease();
  const root = labTempDir();
  const bins = new Map<string, string>();
  for (const name of hostNames) {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    await sh('tar', ['-xzf', release.tarball, '-C', dir]);
    bins.set(name, join(dir, `floatd-${release.version}-linux-x64`, 'bin', 'floatd'));
  }
  return (host) => {
    const cmd = bins.get(host.name);
    if (cmd === undefined) throw new Error(`no release unpacked for ${host.name}`);
    return (args) => ({ cmd, args });
  };
}

interface GroupMemory {
  readonly mainRssKb: number;
  /** The agent proper's anonymous memory (heaps); the rest of its RSS is file pages. */
  readonly mainAnonKb: number;
  readonly rssKb: number;
  readonly pssKb: number;
  readonly processes: number;
}

/** The pids in process group `pgid` (a lab process is its group's leader). */
function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function kbField(text: string, name: string): number {
  return Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
}

function groupMemory(proc: LabProcess): GroupMemory {
  const pids = groupPids(proc.pid as number);
  let rssKb = 0;
  let pssKb = 0;
  let mainRssKb = 0;
  let mainAnonKb = 0;
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const rss = kbField(rollup, 'Rss');
      rssKb += rss;
      pssKb += kbField(rollup, 'Pss');
      // The agent proper is the group's biggest process: floatd's main process (its helpers
      // are small), keepalived's VRRP child (forked by its parent).
      if (rss > mainRssKb) {
        mainRssKb = rss;
        mainAnonKb = kbField(rollup, 'Anonymous');
      }
    } catch {
      // gone meanwhile
    }
  }
  return { mainRssKb, mainAnonKb, rssKb, pssKb, processes: pids.length };
}

/** CPU time (user + system, ms) of a process group so far. */
function groupCpuMs(proc: LabProcess): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const pid of groupPids(proc.pid as number)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return (ticks * 1000) / ticksPerSecond;
}

const mb = (kb: number): string => (kb / 1024).toFixed(1);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function idleOne(
  lab: Lab,
  impl: ImplName,
  dir: string,
  floatdOn: FloatdOn,
): Promise<GroupMemory> {
  const router = await implementation(impl, {
    instances: [{ vrid: 51, vips: [blockAddress(1)] }],
    floatdFrom: 'build',
    floatdOn,
    prefixLength: 32,
    advertIntervalMs: 1000,
    dir,
  }).start(lab.host(1), 150);
  try {
    await router.waitForAll('master', 0, 30_000);
    await sleep(STEADY_AFTER_MS);
    return groupMemory(router.proc);
  } finally {
    await router.proc.kill('SIGTERM');
  }
}

async function withCloud(floatdOn: FloatdOn): Promise<GroupMemory> {
  const lab = await Lab.create({ hosts: 2, rootAccess: true, subnet: cloudLabSubnet() });
  try {
    return await lab.runThenDestroy(async () => {
      const cloud = await createCloudLab(lab, [lab.host(1), lab.host(2)]);
      try {
        const yaml = [
          cloud.cloudYaml({ recheckInterval: '5s', disableSourceDestCheck: true }),
          'log: { level: info, format: json }',
          'instances:',
          '  - name: web',
          '    vrid: 51',
          '    interface: eth0',
          '    priority: 150',
          '    advertInterval: 1000ms',
          `    vips: [${lab.address(100)}/24]`,
          ...cloud.targetsYaml(),
          '',
        ].join('\n');
        const env = cloud.hosts.find((h) => h.host === lab.host(1))?.env ?? {};
        const agent = await startFloatd(
          lab.host(1),
          yaml,
          labTempDir(),
          env,
          floatdOn(lab.host(1)),
        );
        try {
          await agent.waitForState('master', 30_000);
          const claimed = Date.now() + 15_000;
          while (!agent.logs().some((l) => l.event === 'cloud-confirmed') && Date.now() < claimed) {
            await sleep(100);
          }
          if (!agent.logs().some((l) => l.event === 'cloud-confirmed')) {
            throw new Error(`floatd never confirmed its cloud claims:\n${agent.proc.output()}`);
          }
          await sleep(STEADY_AFTER_MS);
          return groupMemory(agent.proc);
        } finally {
          await agent.proc.kill('SIGTERM');
        }
      } finally {
        await cloud.close();
      }
    });
  } finally {
    await lab.destroy();
  }
}

interface ManyResult {
  readonly maxRssKb: number;
  readonly masterCpuPercent: number;
  readonly backupCpuPercent: number;
  readonly jitterMs: { p50: number; p99: number; max: number; samples: number };
  readonly spurious: number;
}

async function manyVrids(
  lab: Lab,
  impl: ImplName,
  dir: string,
  durationS: number,
  floatdOn: FloatdOn,
): Promise<ManyResult> {
  const instances = Array.from({ length: 255 }, (_, i) => ({
    vrid: i + 1,
    vips: [blockAddress(i + 1)],
  }));
  const params = {
    instances,
    floatdFrom: 'build' as const,
    floatdOn,
    prefixLength: 32,
    advertIntervalMs: 100,
    dir,
  };
  const [h1, h2, h3] = [lab.host(1), lab.host(2), lab.host(3)];
  // A capture file of its own: the previous run's tcpdump may still be closing its file.
  const tap = await WireTap.start(h3, labTempDir(), 'ip proto 112');
  if (tap === undefined) throw new Error('tcpdump cannot capture on h3');
  const master = await implementation(impl, params).start(h1, 150);
  const backup = await implementation(impl, params).start(h2, 100);
  try {
    await master.waitForAll('master', 0, 120_000);
    await backup.waitForAll('backup', 0, 120_000);
    await sleep(3000);
    tap.update();
    const fromMs = performance.timeOrigin + performance.now();
    const cpu0 = [groupCpuMs(master.proc), groupCpuMs(backup.proc)];
    const t0 = performance.now();
    let maxRssKb = 0;
    while (performance.now() - t0 < durationS * 1000) {
      maxRssKb = Math.max(maxRssKb, groupMemory(master.proc).mainRssKb);
      tap.update(); // keep the reader close behind tcpdump
      await sleep(1000);
    }
    const wallMs = performance.now() - t0;
    const cpu1 = [groupCpuMs(master.proc), groupCpuMs(backup.proc)];
    const toMs = performance.timeOrigin + performance.now();
    tap.update();
    const window = tap.adverts.filter((a) => a.atMs >= fromMs && a.atMs <= toMs);
    const last = new Map<number, number>();
    const deviations: number[] = [];
    let spurious = 0;
    for (const a of window) {
      if (a.src === h2.ip && a.priority > 0) spurious++;
      if (a.src !== h1.ip) continue;
      const previous = last.get(a.vrid);
      if (previous !== undefined) deviations.push(Math.abs(a.atMs - previous - 100));
      last.set(a.vrid, a.atMs);
    }
    deviations.sort((a, b) => a - b);
    return {
      maxRssKb,
      masterCpuPercent: (((cpu1[0] ?? 0) - (cpu0[0] ?? 0)) / wallMs) * 100,
      backupCpuPercent: (((cpu1[1] ?? 0) - (cpu0[1] ?? 0)) / wallMs) * 100,
      jitterMs: {
        p50: percentile(deviations, 0.5),
        p99: percentile(deviations, 0.99),
        max: deviations.at(-1) ?? NaN,
        samples: deviations.length,
      },
      spurious,
    };
  } finally {
    await Promise.all([master.proc.kill('SIGTERM'), backup.proc.kill('SIGTERM')]);
    await tap.stop();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'duration-s': { type: 'string', default: '120' },
      impls: { type: 'string', default: IMPL_NAMES.join(',') },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const durationS = Number(values['duration-s']);
  const impls = values.impls.split(',') as ImplName[];
  if (!(durationS > 0) || impls.some((i) => !IMPL_NAMES.includes(i))) {
    console.error(USAGE);
    return 2;
  }
  const floatdOn = await unpackRelease(['h1', 'h2']);
  const dir = labTempDir();
  const idle = new Map<ImplName, GroupMemory>();
  const many = new Map<ImplName, ManyResult>();
  const lab = await Lab.create({ hosts: 3 });
  try {
    for (const impl of impls) {
      idle.set(impl, await idleOne(lab, impl, dir, floatdOn));
      console.log(`${impl}: one idle instance measured`);
    }
    for (const impl of impls) {
      many.set(impl, await manyVrids(lab, impl, dir, durationS, floatdOn));
      console.log(`${impl}: 255 VRIDs at 100 ms measured for ${durationS} s`);
    }
  } finally {
    await lab.destroy();
  }
  const cloud = impls.includes('floatd') ? await withCloud(floatdOn) : undefined;

  console.log('\nOne instance, idle MASTER (MB; group = the agent and its helpers):');
  console.log('impl        main_rss  main_anon  group_rss  group_pss  processes');
  for (const [impl, m] of idle) {
    console.log(
      `${impl.padEnd(10)}  ${mb(m.mainRssKb).padStart(8)}  ${mb(m.mainAnonKb).padStart(9)}  ${mb(m.rssKb).padStart(9)}  ${mb(m.pssKb).padStart(9)}  ${String(m.processes).padStart(9)}`,
    );
  }
  if (cloud !== undefined) {
    console.log(
      `floatd with cloud targets (EC2 emulator, after its claim): main_rss ${mb(cloud.mainRssKb)}, main_anon ${mb(cloud.mainAnonKb)}, group_rss ${mb(cloud.rssKb)}, group_pss ${mb(cloud.pssKb)}`,
    );
  }
  console.log(
    `\n255 VRIDs at 100 ms for ${durationS} s (jitter: |gap between a VRID's adverts - 100 ms| on the wire):`,
  );
  console.log(
    'impl        max_rss_mb  master_cpu_%  backup_cpu_%  jitter_p50  jitter_p99  jitter_max  samples  spurious',
  );
  for (const [impl, r] of many) {
    console.log(
      `${impl.padEnd(10)}  ${mb(r.maxRssKb).padStart(10)}  ${r.masterCpuPercent.toFixed(1).padStart(12)}  ${r.backupCpuPercent.toFixed(1).padStart(12)}  ${r.jitterMs.p50.toFixed(2).padStart(10)}  ${r.jitterMs.p99.toFixed(2).padStart(10)}  ${r.jitterMs.max.toFixed(2).padStart(10)}  ${String(r.jitterMs.samples).padStart(7)}  ${String(r.spurious).padStart(8)}`,
    );
  }
  return 0;
}

process.exitCode = await main();
