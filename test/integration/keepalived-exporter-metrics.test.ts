// status.keepalivedExporterMetrics on two real agents in the lab (issue 14's acceptance): the
// /metrics of the MASTER and of the BACKUP parse as Prometheus text and carry
// keepalived-exporter's names and labels for state, adverts and master transitions; the
// MASTER's priority-0 advert on SIGTERM is counted on the BACKUP.
import { rmSync } from 'node:fs';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, describe, expect, it } from 'vitest';
import { labTempDir, pollUntil, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

let lab: Lab | undefined;
let dir: string | undefined;
afterAll(async () => {
  await lab?.destroy();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function yaml(priority: number, vips: readonly string[]): string {
  return [
    'status: { keepalivedExporterMetrics: true }',
    'instances:',
    '  - name: web',
    '    vrid: 78',
    '    interface: eth0',
    `    priority: ${priority}`,
    '    advertInterval: 200ms',
    `    vips: [${vips.join(', ')}]`,
    '',
  ].join('\n');
}

type Families = ReturnType<typeof parsePrometheusTextFormat>;

/** /metrics as the host's own loopback serves it, parsed (it throws on text that does not). */
async function scrape(host: LabHost): Promise<Map<string, Families[number]>> {
  const { stdout } = await host.exec(process.execPath, [
    '-e',
    "fetch('http://127.0.0.1:9657/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))",
  ]);
  return new Map(parsePrometheusTextFormat(stdout).map((f) => [f.name, f]));
}

const web = { iname: 'web', intf: 'eth0', vrid: '78' };

const sorted = (labels: object = {}): string => JSON.stringify(Object.entries(labels).sort());

/** The value of the one series of `name` with exactly `labels`. */
function value(families: Map<string, Families[number]>, name: string, labels: object): number {
  const series = families.get(name)?.metrics.filter((m) => sorted(m.labels) === sorted(labels));
  expect(series, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return Number(series?.[0]?.value);
}

describe('keepalived-exporter metrics (lab)', () => {
  it("a MASTER and a BACKUP carry keepalived-exporter's names, labels and values", async (ctx) => {
    requireLab(ctx);
    lab = await Lab.create({ hosts: 2 });
    // A /24 VIP is labelled address/prefix, a host route the address alone (as keepalived does).
    const vips = [`${lab.address(100)}/24`, `${lab.address(101)}/32`];
    const ipAddresses = [`${lab.address(100)}/24`, lab.address(101)];
    dir = labTempDir();
    const master = await startFloatd(lab.host(1), yaml(150, vips), dir);
    await master.waitForState('master');
    const backup = await startFloatd(lab.host(2), yaml(100, vips), dir);
    await backup.waitForState('backup');

    for (const [host, state] of [
      [lab.host(1), 2],
      [lab.host(2), 1],
    ] as const) {
      const families = await scrape(host);
      expect(families.get('keepalived_vrrp_state')?.type).toBe('GAUGE');
      for (const ip_address of ipAddresses) {
        expect(value(families, 'keepalived_vrrp_state', { ...web, ip_address }), host.name).toBe(
          state,
        );
      }
      expect(value(families, 'keepalived_up', {})).toBe(1);
      for (const name of [
        'keepalived_advertisements_sent_total',
        'keepalived_advertisements_received_total',
        'keepalived_become_master_total',
        'keepalived_release_master_total',
      ]) {
        expect(families.get(name)?.type, name).toBe('COUNTER');
      }
    }

    const onMaster = await scrape(lab.host(1));
    expect(value(onMaster, 'keepalived_advertisements_sent_total', web)).toBeGreaterThan(0);
    expect(value(onMaster, 'keepalived_become_master_total', web)).toBeGreaterThanOrEqual(1);
    expect(value(onMaster, 'keepalived_release_master_total', web)).toBe(0);
    // The BACKUP hears the MASTER's next advert within an interval (200 ms) of starting.
    const backupHost = lab.host(2);
    const received = async () =>
      value(await scrape(backupHost), 'keepalived_advertisements_received_total', web);
    expect(await pollUntil(async () => (await received()) > 0, 5_000, 100)).toBe(true);
    const onBackup = await scrape(backupHost);
    expect(value(onBackup, 'keepalived_become_master_total', web)).toBe(0);
    expect(value(onBackup, 'keepalived_advertisements_sent_total', web)).toBe(0);
    expect(value(onBackup, 'keepalived_priority_zero_received_total', web)).toBe(0);

    // The MASTER stops gracefully: its priority-0 advert (RFC 5798 §6.4.3) is counted where
    // it arrives, and the BACKUP takes over.
    await master.proc.kill('SIGTERM');
    await backup.waitForState('master');
    const afterStop = await scrape(backupHost);
    expect(value(afterStop, 'keepalived_priority_zero_received_total', web)).toBe(1);
    expect(value(afterStop, 'keepalived_priority_zero_sent_total', web)).toBe(0);
    expect(value(afterStop, 'keepalived_become_master_total', web)).toBe(1);
  });
});
