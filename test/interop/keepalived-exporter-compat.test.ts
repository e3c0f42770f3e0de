// floatd's keepalived-exporter series against keepalived 2.2.7's own statistics (the file its
// SIGUSR2 writes, which keepalived-exporter reads), for the same adverts on one segment: a
// floatd MASTER, and a keepalived and a floatd BACKUP. Both BACKUPs count the MASTER's adverts
// alike, and its one priority-0 advert on SIGTERM.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, describe, expect, it } from 'vitest';
import { labTempDir, pollUntil, sleep, startFloatd, startKeepalived } from '../../lab/agents.js';
import { keepalivedConfig } from '../../lab/keepalived-config.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { keepalivedMissing } from '../lab/program-missing.js';
import { requireLab } from '../lab/require-lab.js';

const VRID = 83;
/** Where keepalived writes its statistics on SIGUSR2: keepalived.stats in $TMPDIR or /tmp. */
const STATS_FILE = join(
  process.env.TMPDIR?.startsWith('/') === true ? process.env.TMPDIR : '/tmp',
  'keepalived.stats',
);

const labs: Lab[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  rmSync(STATS_FILE, { force: true });
});

async function newLab(hosts = 3): Promise<{ lab: Lab; dir: string }> {
  const lab = await Lab.create({ hosts });
  labs.push(lab);
  const dir = labTempDir();
  dirs.push(dir);
  return { lab, dir };
}

interface Group {
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly advertIntervalMs: number;
}

const V3: Group = { vrid: VRID, version: 3, advertIntervalMs: 200 };
/** VRRPv2 speaks whole seconds. */
const V2: Group = { vrid: VRID + 1, version: 2, advertIntervalMs: 1000 };

function floatdYaml(group: Group, priority: number, vip: string, password?: string): string {
  return [
    'status: { keepalivedExporterMetrics: true }',
    'instances:',
    '  - name: web',
    `    vrid: ${group.vrid}`,
    '    interface: eth0',
    `    version: ${group.version}`,
    `    priority: ${priority}`,
    `    advertInterval: ${group.advertIntervalMs}ms`,
    `    vips: [${vip}/24]`,
    ...(password === undefined
      ? []
      : [`    authentication: { type: pass, password: ${password} }`]),
    '',
  ].join('\n');
}

type Stats = ReadonlyMap<string, number>;

/** keepalived's statistics of its one instance, by section and line: "Priority Zero/Received". */
async function keepalivedStats(pidFile: string): Promise<Stats> {
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const before = existsSync(STATS_FILE) ? statSync(STATS_FILE).mtimeMs : 0;
  process.kill(pid, 'SIGUSR2');
  const written = await pollUntil(
    () => existsSync(STATS_FILE) && statSync(STATS_FILE).mtimeMs > before,
    5_000,
    20,
  );
  expect(written, `${STATS_FILE} written on SIGUSR2`).toBe(true);
  // Written in several calls: read it once its last section's last line is there.
  let text = '';
  const complete = await pollUntil(
    () => {
      text = readFileSync(STATS_FILE, 'utf8');
      return /Priority Zero:\n\s+Received: \d+\n\s+Sent: \d+\n/.test(text);
    },
    5_000,
    20,
  );
  expect(complete, `${STATS_FILE} complete`).toBe(true);
  const stats = new Map<string, number>();
  let section = '';
  for (const line of text.split('\n')) {
    // "  Advertisements:" opens a section; "    Received: 12" is a count in it;
    // "  Became master: 1" is a count of its own.
    const m = /^( +)([A-Za-z][A-Za-z ]*):(?: (\d+))?$/.exec(line);
    if (m === null) continue;
    const [, indent = '', name = '', count] = m;
    if (count === undefined) section = name;
    else stats.set(indent.length > 2 ? `${section}/${name}` : name, Number(count));
  }
  return stats;
}

/** floatd's keepalived-exporter series of instance web, by name. */
async function floatdSeries(host: LabHost, vrid: number): Promise<ReadonlyMap<string, number>> {
  const { stdout } = await host.exec(process.execPath, [
    '-e',
    "fetch('http://127.0.0.1:9657/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))",
  ]);
  const out = new Map<string, number>();
  for (const family of parsePrometheusTextFormat(stdout)) {
    const series = family.metrics.find(
      (m) => m.labels?.iname === 'web' && m.labels.vrid === String(vrid),
    );
    if (family.name.startsWith('keepalived_') && series !== undefined && 'value' in series) {
      out.set(family.name, Number(series.value));
    }
  }
  return out;
}

describe("keepalived-exporter series against keepalived's own statistics (lab)", () => {
  it('a floatd and a keepalived BACKUP count adverts and a priority-0 advert alike', async (ctx) => {
    requireLab(ctx, keepalivedMissing);
    const { lab, dir } = await newLab();
    const [h1, h2, h3] = [lab.host(1), lab.host(2), lab.host(3)];
    const vip = lab.address(100);
    const master = await startFloatd(h1, floatdYaml(V3, 150, vip), dir);
    await master.waitForState('master');
    const conf = keepalivedConfig({
      routerId: 'h2',
      ...V3,
      priority: 100,
      vip,
      prefixLength: 24,
    });
    const keepalived = await startKeepalived(h2, conf, dir);
    const pidFile = keepalived.configPath.replace(/\.conf$/, '.pid');
    // Priority 1: Skew_Time 199 ms against keepalived's 122 ms, so keepalived's first advert as
    // MASTER has 77 ms to arrive before floatd would take over too.
    const backup = await startFloatd(h3, floatdYaml(V3, 1, vip), dir);
    await backup.waitForState('backup');
    await sleep(600);

    // The same window on both (2 s, ten adverts at 200 ms): the same count, give or take the
    // advert that falls between the two reads at either end.
    const both = () => Promise.all([keepalivedStats(pidFile), floatdSeries(h3, V3.vrid)]);
    const [kd0, fd0] = await both();
    await sleep(2000);
    const [kd1, fd1] = await both();
    const kdDelta =
      (kd1.get('Advertisements/Received') ?? 0) - (kd0.get('Advertisements/Received') ?? 0);
    const received = 'keepalived_advertisements_received_total';
    const fdDelta = (fd1.get(received) ?? 0) - (fd0.get(received) ?? 0);
    console.log(`adverts received in 2 s: keepalived ${kdDelta}, floatd ${fdDelta}`);
    expect(kdDelta).toBeGreaterThanOrEqual(8);
    expect(Math.abs(fdDelta - kdDelta)).toBeLessThanOrEqual(2);
    for (const [kd, fd] of [
      ['Priority Zero/Received', 'keepalived_priority_zero_received_total'],
      ['Packet Errors/Address List', 'keepalived_address_list_errors_total'],
      ['Authentication Errors/Failure', 'keepalived_authentication_failure_total'],
      ['Authentication Errors/Type Mismatch', 'keepalived_authentication_mismatch_total'],
      ['Became master', 'keepalived_become_master_total'],
    ] as const) {
      expect(kd1.get(kd), kd).toBe(0);
      expect(fd1.get(fd), fd).toBe(0);
    }

    // The MASTER steps down (RFC 5798 §6.4.3): one priority-0 advert, seen by both BACKUPs;
    // keepalived (100) takes over from floatd (1).
    await master.proc.kill('SIGTERM');
    await keepalived.waitForLog(/Entering MASTER STATE/);
    await sleep(500);
    const [kd2, fd2] = await both();
    console.log(
      `after the stop: keepalived ${JSON.stringify(Object.fromEntries(kd2))}; floatd ${JSON.stringify(Object.fromEntries(fd2))}`,
    );
    expect(kd2.get('Priority Zero/Received')).toBe(1);
    expect(fd2.get('keepalived_priority_zero_received_total')).toBe(1);
    expect(kd2.get('Became master')).toBe(1);
    expect(fd2.get('keepalived_become_master_total')).toBe(0);
    expect(backup.state()).toBe('backup');
  });

  it('VRRPv2 authentication: a wrong password and another auth type count alike on both', async (ctx) => {
    requireLab(ctx, keepalivedMissing);
    const { lab, dir } = await newLab(4);
    const [h1, h2, h3, h4] = [lab.host(1), lab.host(2), lab.host(3), lab.host(4)];
    const vip = lab.address(100);
    // keepalived on h2 and floatd on h4 are configured alike (password "other") and follow h4
    // (120); h1 (150, password "secret") and h3 (50, no authentication) hear nobody and are
    // MASTER too. Side by side, keepalived and h4 count the same errors.
    const a1 = await startFloatd(h1, floatdYaml(V2, 150, vip, 'secret'), dir);
    const a3 = await startFloatd(h3, floatdYaml(V2, 50, vip), dir);
    const a4 = await startFloatd(h4, floatdYaml(V2, 120, vip, 'other'), dir);
    await Promise.all([a1, a3, a4].map((a) => a.waitForState('master')));
    const conf = keepalivedConfig({
      routerId: 'h2',
      ...V2,
      priority: 100,
      vip,
      prefixLength: 24,
      authPass: 'other',
    });
    const keepalived = await startKeepalived(h2, conf, dir);
    const pidFile = keepalived.configPath.replace(/\.conf$/, '.pid');
    await sleep(1500);

    const read = async () => {
      const [kd, f1, f3, f4] = await Promise.all([
        keepalivedStats(pidFile),
        floatdSeries(h1, V2.vrid),
        floatdSeries(h3, V2.vrid),
        floatdSeries(h4, V2.vrid),
      ]);
      return { kd, f1, f3, f4 };
    };
    const before = await read();
    await sleep(4000);
    const after = await read();
    const delta = (pick: (r: typeof before) => number | undefined) =>
      (pick(after) ?? 0) - (pick(before) ?? 0);
    const sent = 'keepalived_advertisements_sent_total';
    const received = 'keepalived_advertisements_received_total';
    const failure = 'keepalived_authentication_failure_total';
    const typeMismatch = 'keepalived_authentication_mismatch_total';
    const n = {
      h1Sent: delta((r) => r.f1.get(sent)),
      h3Sent: delta((r) => r.f3.get(sent)),
      h4Sent: delta((r) => r.f4.get(sent)),
      kdSent: delta((r) => r.kd.get('Advertisements/Sent')),
      kdReceived: delta((r) => r.kd.get('Advertisements/Received')),
      kdFailure: delta((r) => r.kd.get('Authentication Errors/Failure')),
      kdTypeMismatch: delta((r) => r.kd.get('Authentication Errors/Type Mismatch')),
      h4Received: delta((r) => r.f4.get(received)),
      h4Failure: delta((r) => r.f4.get(failure)),
      h4TypeMismatch: delta((r) => r.f4.get(typeMismatch)),
      h1Failure: delta((r) => r.f1.get(failure)),
      h3TypeMismatch: delta((r) => r.f3.get(typeMismatch)),
      h3Failure: delta((r) => r.f3.get(failure)),
    };
    console.log(`in 4 s: ${JSON.stringify(n)}`);
    expect(keepalived.log()).not.toMatch(/Entering MASTER STATE/);
    expect(n.kdSent).toBe(0);
    for (const sender of [n.h1Sent, n.h3Sent, n.h4Sent]) expect(sender).toBeGreaterThanOrEqual(3);
    // Side by side, configured alike: a wrong password (type 1 both sides) is auth_failure, type
    // 0 against our type 1 authtype_mismatch, on keepalived and on floatd.
    expect(Math.abs(n.kdFailure - n.h1Sent)).toBeLessThanOrEqual(1);
    expect(Math.abs(n.h4Failure - n.h1Sent)).toBeLessThanOrEqual(1);
    expect(Math.abs(n.kdTypeMismatch - n.h3Sent)).toBeLessThanOrEqual(1);
    expect(Math.abs(n.h4TypeMismatch - n.h3Sent)).toBeLessThanOrEqual(1);
    // Only what passed authentication counts as received: h4's adverts on keepalived; nothing
    // on h4, the one valid sender it could hear (keepalived) being a silent BACKUP.
    expect(Math.abs(n.kdReceived - n.h4Sent)).toBeLessThanOrEqual(1);
    expect(n.h4Received).toBe(0);
    // h1 hears h4's type 1 with another password; h3 (no authentication) hears type 1 only.
    expect(Math.abs(n.h1Failure - n.h4Sent)).toBeLessThanOrEqual(1);
    expect(Math.abs(n.h3TypeMismatch - (n.h1Sent + n.h4Sent))).toBeLessThanOrEqual(2);
    expect(n.h3Failure).toBe(0);
  });
});
