// /status, /metrics and `floatd status` on two real agents in the lab: the table shows MASTER
// and BACKUP where they are; /metrics parses as Prometheus text and follows its naming rules.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, describe, expect, it } from 'vitest';
import { floatdCommand, PACKAGE_ROOT } from '../../src/agent/cli/self-command.js';
import type { FloatdAgent } from '../../lab/agents.js';
import { labTempDir, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.destroy();
});

function yaml(priority: number, vip: string): string {
  return [
    // The agent's own status listener: a tracker that is up, for the tracker metrics.
    'trackers:',
    '  - { name: self, type: tcp, host: 127.0.0.1, port: 9657, interval: 200ms, weight: -1 }',
    'instances:',
    '  - name: web',
    '    vrid: 77',
    '    interface: eth0',
    `    priority: ${priority}`,
    '    advertInterval: 200ms',
    `    vips: [${vip}/24]`,
    '    track: [{ tracker: self }]',
    '',
  ].join('\n');
}

/** `floatd status` inside the host (its own loopback serves its own agent). */
async function statusTable(host: LabHost): Promise<string> {
  const { cmd, args } = floatdCommand(['status', '--url', 'http://127.0.0.1:9657']);
  const { stdout } = await host.exec('sh', [
    '-c',
    `cd ${PACKAGE_ROOT} && ${[cmd, ...args].map((a) => `'${a}'`).join(' ')}`,
  ]);
  return stdout;
}

async function metricsText(host: LabHost): Promise<string> {
  const { stdout } = await host.exec(process.execPath, [
    '-e',
    "fetch('http://127.0.0.1:9657/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))",
  ]);
  return stdout;
}

describe('status endpoint, metrics and floatd status (lab)', () => {
  it('shows MASTER and BACKUP where they are, and serves Prometheus metrics by the conventions', async (ctx) => {
    requireLab(ctx);
    lab = await Lab.create({ hosts: 2 });
    const vip = lab.address(100);
    const dir = labTempDir();
    const a1: FloatdAgent = await startFloatd(lab.host(1), yaml(150, vip), dir);
    await a1.waitForState('master');
    const a2 = await startFloatd(lab.host(2), yaml(100, vip), dir);
    await a2.waitForState('backup');

    const t1 = await statusTable(lab.host(1));
    const t2 = await statusTable(lab.host(2));
    expect(t1.split('\n')[0]).toMatch(/^INSTANCE\s+VRID\s+IFACE\s+STATE\s+PRIO\s+MASTER/);
    expect(t1).toMatch(new RegExp(`^web\\s+77\\s+eth0\\s+MASTER\\s+150\\s+${lab.host(1).ip}`, 'm'));
    expect(t2).toMatch(new RegExp(`^web\\s+77\\s+eth0\\s+BACKUP\\s+100\\s+${lab.host(1).ip}`, 'm'));
    expect(t2).toMatch(/INITIALIZE->BACKUP \(startup\)/);
    // Its first check may run before the listener is up: some failures are fine.
    expect(t1, t1).toMatch(/^ {2}self \(tcp\): OK; \d+ ok, \d+ failed/m);
    // The last transition carries its reason and its wall-clock time.
    const last = (await a2.status()).instances[0]?.lastTransition;
    expect(last?.reason).toBe('startup');
    expect(Math.abs(Date.now() - Date.parse(last?.at ?? ''))).toBeLessThan(30_000);

    const families = parsePrometheusTextFormat(await metricsText(lab.host(1)));
    const byName = new Map(families.map((f) => [f.name, f]));
    const state = byName.get('floatd_vrrp_state');
    expect(state?.type).toBe('GAUGE');
    const master = state?.metrics.find((m) => m.labels?.state === 'master');
    expect(master?.value).toBe('1');
    expect(byName.get('floatd_vrrp_transitions_total')?.type).toBe('COUNTER');
    expect(Number(byName.get('floatd_vrrp_adverts_sent_total')?.metrics[0]?.value)).toBeGreaterThan(
      0,
    );
    const checks = byName.get('floatd_tracker_checks_total');
    expect(checks?.type).toBe('COUNTER');
    const ok = checks?.metrics.find(
      (m) => m.labels?.tracker === 'self' && m.labels.result === 'ok',
    );
    expect(Number(ok?.value)).toBeGreaterThan(0);
    const up = byName.get('floatd_tracker_up')?.metrics.find((m) => m.labels?.tracker === 'self');
    expect(up?.value).toBe('1');
    // Prometheus naming: a prefix, snake case, counters end in _total, durations in _seconds.
    for (const f of families) {
      expect(f.name, f.name).toMatch(/^[a-z][a-z0-9_]*$/);
      if (f.type === 'COUNTER') expect(f.name, f.name).toMatch(/_total$/);
      if (f.type === 'HISTOGRAM') expect(f.name, f.name).toMatch(/_seconds$/);
      expect(f.help.length, f.name).toBeGreaterThan(10);
    }
    expect(families.filter((f) => f.name.startsWith('floatd_')).length).toBeGreaterThan(4);
  });
});
