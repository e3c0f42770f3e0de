// keepalived's own sample keepalived.conf.vrrp (four VRRP instances, two with PASS
// authentication, no LVS), moved onto the lab's interface and subnet: keepalived runs it in h1,
// `floatd import-keepalived` converts the same text (priorities lowered) for floatd in h2; one
// MASTER per VRID, and floatd takes every VRID over when keepalived stops.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { floatdCommand, PACKAGE_ROOT } from '../../src/agent/cli/self-command.js';
import type { FloatdAgent } from '../../lab/agents.js';
import { labTempDir, sleep, startFloatd, startKeepalived } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { keepalivedMissing } from '../lab/program-missing.js';
import { requireLab } from '../lab/require-lab.js';

const SAMPLE = '/usr/share/doc/keepalived/samples/keepalived.conf.vrrp';

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

function keepalivedOrSampleMissing(): string | undefined {
  const missing = keepalivedMissing();
  if (missing !== undefined) return missing;
  try {
    readFileSync(SAMPLE);
    return undefined;
  } catch {
    return `${SAMPLE} is missing (apt-get install -y keepalived)`;
  }
}

/** The sample's instances: name, VRID, and the VIPs once moved into the lab subnet. */
interface SampleInstance {
  readonly name: string;
  readonly vrid: number;
  readonly vips: readonly string[];
}

function sampleInstances(subnet: string): SampleInstance[] {
  const ips = (...octets: number[]): string[] => octets.map((o) => `${subnet}.${o}`);
  return [
    { name: 'VI_1', vrid: 51, vips: ips(16, 17, 18) },
    { name: 'VI_2', vrid: 50, vips: ips(13, 14, 15) },
    { name: 'VI_3', vrid: 52, vips: ips(113, 114, 115) },
    { name: 'VI_4', vrid: 53, vips: ips(116, 117, 118) },
  ];
}

/**
 * The minimal rewrite for the lab: 192.168.200.x -> <subnet>.x and 192.168.201.x ->
 * <subnet>.1x (so .13 becomes .113), eth1 -> eth0 (a lab host has one interface), the script
 * security keepalived insists on (LAB.md), and the second, labelled 192.168.200.18: a duplicate
 * that floatd refuses (the importer says "remove one"), so we do.
 */
function rewriteSample(text: string, subnet: string): string {
  return text
    .replaceAll('192.168.200.', `${subnet}.`)
    .replaceAll('192.168.201.', `${subnet}.1`)
    .replaceAll('eth1', 'eth0')
    .replace(/^\s*\S+ label eth0:1\s*$\n/m, '')
    .replace(
      /^(\s*)router_id LVS_DEVEL$/m,
      '$1router_id LVS_DEVEL\n$1enable_script_security\n$1script_user root',
    );
}

/** The backup side: every priority lowered by 10, so keepalived wins each VRID. */
function lowerPriorities(text: string): string {
  return text.replace(/^(\s*)priority (\d+)$/gm, (_, indent: string, p: string) => {
    return `${indent}priority ${Number(p) - 10}`;
  });
}

async function importKeepalived(file: string): Promise<{ yaml: string; diagnostics: string[] }> {
  const { cmd, args } = floatdCommand(['import-keepalived', file]);
  const { stdout, stderr } = await promisify(execFile)(cmd, args, { cwd: PACKAGE_ROOT });
  return { yaml: stdout, diagnostics: stderr.split('\n').filter(Boolean) };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function hasAll(host: LabHost, vips: readonly string[], present: boolean) {
  const addresses = await host.addresses();
  return vips.every((v) => addresses.includes(v) === present);
}

function states(agent: FloatdAgent, instances: readonly SampleInstance[]): string[] {
  return instances.map((i) => `${i.name}=${agent.state(i.name) ?? 'none'}`);
}

describe('keepalived sample converted by floatd import-keepalived', () => {
  it('runs beside the original: one MASTER per VRID, and floatd takes over when keepalived stops', async (ctx) => {
    requireLab(ctx, keepalivedOrSampleMissing);
    const lab = await Lab.create({ hosts: 2 });
    labs.push(lab);
    const [h1, h2] = [lab.host(1), lab.host(2)] as [LabHost, LabHost];
    const dir = labTempDir();
    const instances = sampleInstances(lab.subnet);
    const allVips = instances.flatMap((i) => i.vips);
    const original = rewriteSample(readFileSync(SAMPLE, 'utf8'), lab.subnet);
    const lowered = lowerPriorities(original);
    expect(lowered).not.toBe(original);
    const loweredPath = join(dir, 'keepalived-lowered.conf');
    writeFileSync(loweredPath, lowered);
    const converted = await importKeepalived(loweredPath);
    console.log(
      `import-keepalived ${SAMPLE} (rewritten): ${converted.diagnostics.length} diagnostics\n` +
        converted.diagnostics.join('\n'),
    );
    expect(converted.yaml).toContain('name: VI_4');

    // keepalived first, at the sample's priorities, until it is MASTER of all four VRIDs.
    const keepalived = await startKeepalived(h1, original, dir);
    for (const i of instances) {
      await keepalived.waitForLog(new RegExp(`\\(${i.name}\\) Entering MASTER STATE`), 15_000);
    }
    await waitFor('every VIP on h1', () => hasAll(h1, allVips, true), 5000);

    // floatd with the converted configuration (priorities 90 and 40): BACKUP for every VRID.
    const floatd = await startFloatd(h2, converted.yaml, dir);
    await waitFor(
      'floatd BACKUP for every VRID',
      async () => Promise.resolve(instances.every((i) => floatd.state(i.name) === 'backup')),
      5000,
    );
    await sleep(5000); // longer than Master_Down_Interval at advert_int 1
    expect(states(floatd, instances)).toEqual(instances.map((i) => `${i.name}=backup`));
    expect(await hasAll(h1, allVips, true)).toBe(true);
    expect(await hasAll(h2, allVips, false)).toBe(true);
    const drops = floatd
      .logs()
      .filter((l) => /^(advert (from \S+ )?dropped|packet rejected)/.test(String(l.msg)));
    expect(drops, floatd.proc.output()).toEqual([]);

    // keepalived stops (priority 0 adverts, §6.4.3): floatd becomes MASTER of every VRID.
    const stoppedAtMs = Date.now();
    expect(await keepalived.proc.kill('SIGTERM')).toBe(0);
    await waitFor(
      'floatd MASTER for every VRID',
      async () => Promise.resolve(instances.every((i) => floatd.state(i.name) === 'master')),
      5000,
    );
    const takeoverMs = Date.now() - stoppedAtMs;
    await waitFor('every VIP on h2', () => hasAll(h2, allVips, true), 3000);
    expect(await hasAll(h1, allVips, false)).toBe(true);
    console.log(
      `keepalived-import: floatd MASTER of all ${instances.length} VRIDs ${takeoverMs} ms after keepalived's SIGTERM`,
    );
  }, 60_000);
});
