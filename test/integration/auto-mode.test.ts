// `mode: auto`: multicast unless unicast peers are configured and either the host is in a cloud
// (the instance metadata service answers) or nothing has been heard on multicast for
// `auto.multicastSilence` while a peer is known. The switch is logged and shown in the status.
// The metadata service is a fake inside each lab host (FLOATD_IMDS_ENDPOINT): never the real
// 169.254.169.254.
import { afterAll, describe, expect, it } from 'vitest';
import type { FloatdAgent } from '../../lab/agents.js';
import { labTempDir, sleep, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

const IMDS_PORT = 18_080;
/** Nothing listens on the discard port: the probe fails at once, as off-cloud. */
const NO_IMDS = 'http://127.0.0.1:9';
const FAKE_IMDS = `http://127.0.0.1:${IMDS_PORT}`;
const SILENCE_MS = 1000;

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

async function newLab(): Promise<[LabHost, LabHost, string]> {
  const lab = await Lab.create({ hosts: 2 });
  labs.push(lab);
  return [lab.host(1), lab.host(2), lab.address(100)];
}

function config(vip: string, priority: number, peer: LabHost | undefined): string {
  const lines = [
    'instances:',
    '  - name: vip1',
    '    vrid: 71',
    '    interface: eth0',
    '    version: 3',
    `    priority: ${priority}`,
    '    advertInterval: 200ms',
    `    vips: [${vip}/24]`,
    '    mode: auto',
    `    auto: { multicastSilence: ${SILENCE_MS}ms }`,
    '    garp: { masterDelay: 0s, masterRepeat: 1 }',
  ];
  if (peer !== undefined) lines.push(`    unicast: { peers: [${peer.ip}] }`);
  return `${lines.join('\n')}\n`;
}

/** IMDSv2's token call answered with 200, on the host's own loopback. */
async function fakeImds(host: LabHost): Promise<void> {
  const script = `require('node:http').createServer((req, res) => {
    const ok = req.method === 'PUT' && req.url === '/latest/api/token';
    res.writeHead(ok ? 200 : 404).end(ok ? 'lab-token' : '');
  }).listen(${IMDS_PORT}, '127.0.0.1', () => console.log('imds listening'));`;
  await host.spawn('node', ['-e', script]).waitForOutput(/imds listening/, 10_000);
}

/** Drop every packet to the VRRP group on its way in: a network without multicast. */
async function dropMulticast(host: LabHost): Promise<void> {
  const rules = [
    'add table inet nomcast',
    'add chain inet nomcast in { type filter hook input priority 0 ; }',
    'add rule inet nomcast in ip daddr 224.0.0.18 counter drop',
  ];
  for (const rule of rules) await host.exec('nft', rule.split(' '));
}

function start(host: LabHost, yaml: string, imds: string): Promise<FloatdAgent> {
  return startFloatd(host, yaml, labTempDir(), { FLOATD_IMDS_ENDPOINT: imds });
}

async function modes(agents: readonly FloatdAgent[]): Promise<string[]> {
  const statuses = await Promise.all(agents.map((a) => a.status()));
  return statuses.map((s) => s.instances.map((i) => i.mode).join(','));
}

function startedMode(agent: FloatdAgent): unknown {
  return agent.logs().find((l) => l.msg === 'instance started')?.mode;
}

function switches(agent: FloatdAgent): Record<string, unknown>[] {
  return agent.logs().filter((l) => l.msg === 'transport mode switched');
}

/** h1 (150) MASTER, h2 (100) BACKUP, the VIP on h1 only. */
async function settled(a1: FloatdAgent, a2: FloatdAgent, vip: string): Promise<void> {
  const deadline = Date.now() + 8000;
  for (;;) {
    const holders = await Promise.all([a1.host.hasAddress(vip), a2.host.hasAddress(vip)]);
    if (a1.state() === 'master' && a2.state() === 'backup' && holders[0] && !holders[1]) return;
    if (Date.now() > deadline) {
      throw new Error(
        `not settled: h1 ${a1.state()}, h2 ${a2.state()}, VIP on ${holders}\n` +
          `${a1.proc.output()}\n${a2.proc.output()}`,
      );
    }
    await sleep(50);
  }
}

describe('floatd mode auto', () => {
  it('starts in unicast when peers are configured and the metadata service answers', async (ctx) => {
    requireLab(ctx);
    const [h1, h2, vip] = await newLab();
    await Promise.all([fakeImds(h1), fakeImds(h2)]);
    const [a1, a2] = await Promise.all([
      start(h1, config(vip, 150, h2), FAKE_IMDS),
      start(h2, config(vip, 100, h1), FAKE_IMDS),
    ]);
    for (const a of [a1, a2]) {
      expect(a.logs().find((l) => l.msg === 'instance metadata probe')).toMatchObject({
        inCloud: true,
      });
      expect(startedMode(a)).toBe('unicast');
    }
    await settled(a1, a2, vip);
    expect(await modes([a1, a2])).toEqual(['unicast', 'unicast']);
    expect([...switches(a1), ...switches(a2)]).toEqual([]);
  });

  it('switches to unicast after multicast silence, logs it, and elects one MASTER', async (ctx) => {
    requireLab(ctx);
    const [h1, h2, vip] = await newLab();
    await Promise.all([dropMulticast(h1), dropMulticast(h2)]);
    const [a1, a2] = await Promise.all([
      start(h1, config(vip, 150, h2), NO_IMDS),
      start(h2, config(vip, 100, h1), NO_IMDS),
    ]);
    for (const a of [a1, a2]) {
      expect(
        a.logs().find((l) => l.msg === 'no instance metadata service: not a cloud host'),
      ).toBeDefined();
      expect(startedMode(a)).toBe('multicast');
    }
    for (const a of [a1, a2]) {
      await a.proc.waitForOutput(/transport mode switched/, SILENCE_MS + 4000);
      expect(switches(a)).toEqual([
        expect.objectContaining({ from: 'multicast', to: 'unicast', level: 40 }),
      ]);
    }
    await settled(a1, a2, vip);
    expect(await modes([a1, a2])).toEqual(['unicast', 'unicast']);
  });

  it('stays in multicast without peers, even in a cloud and with multicast silent', async (ctx) => {
    requireLab(ctx);
    const [h1, h2, vip] = await newLab();
    await Promise.all([fakeImds(h1), fakeImds(h2), dropMulticast(h1), dropMulticast(h2)]);
    const [a1, a2] = await Promise.all([
      start(h1, config(vip, 150, undefined), FAKE_IMDS),
      start(h2, config(vip, 100, undefined), FAKE_IMDS),
    ]);
    // Silent for well over the window (and two of the agent's once-a-second checks).
    await sleep(SILENCE_MS + 2500);
    for (const a of [a1, a2]) {
      expect(startedMode(a)).toBe('multicast');
      expect(switches(a)).toEqual([]);
      // Without peers there is nothing to ask the metadata service for.
      expect(a.logs().some((l) => l.component === 'cloud.probe')).toBe(false);
    }
    expect(await modes([a1, a2])).toEqual(['multicast', 'multicast']);

    // Multicast back: they elect over it, still in multicast mode.
    await Promise.all([h1.clearDrops(), h2.clearDrops()]);
    await settled(a1, a2, vip);
    expect(await modes([a1, a2])).toEqual(['multicast', 'multicast']);
  });
});
