// Kernel receive drops, shown: floatd is frozen (SIGSTOP) while a second host floods its segment
// with valid-looking VRRP adverts (a VRID it does not run) from a raw socket, then thawed. The
// kernel drops what did not fit in the socket's receive buffer; floatd must show that count in
// /status, in the SIGUSR1 status and in /metrics, and go on as before.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/daemon/agent.js';
import { labTempDir, sleep, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';
import type { Inject } from './io/socket-probe.js';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'io/socket-probe.ts');
const FLOOD = 20_000;

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.destroy();
});

/** GET a path of the agent's status endpoint, from inside its host. */
async function get(host: LabHost, urlPath: string): Promise<string> {
  const { stdout } = await host.exec(process.execPath, [
    '-e',
    `fetch('http://127.0.0.1:9657${urlPath}').then((r) => r.text()).then((t) => process.stdout.write(t))`,
  ]);
  return stdout;
}

/** Send `count` copies of `packet` from `host` as fast as it can; its summary line. */
async function flood(host: LabHost, packet: Inject, count: number): Promise<string> {
  const proc = host.spawn('node', [
    ...['--import', 'tsx', PROBE, 'flood', 'iface=eth0', `count=${count}`],
    `packet=${JSON.stringify(packet)}`,
  ]);
  const timer = setTimeout(() => void proc.kill('SIGKILL'), 30_000);
  const code = await proc.exited;
  clearTimeout(timer);
  expect(code, proc.output()).toBe(0);
  return proc.output().trim();
}

function socketOf(status: AgentStatus): AgentStatus['sockets'][number] {
  const socket = status.sockets.find((s) => s.socket === 'eth0/ipv4');
  if (socket === undefined) throw new Error(`no eth0/ipv4 socket: ${JSON.stringify(status)}`);
  return socket;
}

describe('kernel receive drops (lab)', () => {
  it('a flood while floatd is not reading shows as receive drops in /status, SIGUSR1 and /metrics', async (ctx) => {
    requireLab(ctx);
    lab = await Lab.create({ hosts: 2 });
    const [h1, h2] = [lab.host(1), lab.host(2)];
    const vip = lab.address(100);
    const agent = await startFloatd(
      h1,
      `instances:
  - name: web
    vrid: 62
    interface: eth0
    priority: 150
    advertInterval: 1s
    vips: [${vip}/24]
`,
      labTempDir(),
    );
    await agent.waitForState('master', 8000);
    expect(socketOf(await agent.status()).receiveDrops).toBe(0);

    const packet: Inject = {
      src: h2.ip,
      dst: '224.0.0.18',
      advert: {
        version: 3,
        family: 'ipv4',
        vrid: 99,
        priority: 100,
        maxAdvertIntervalCs: 100,
        addresses: [lab.address(200)],
      },
    };
    agent.proc.signal('SIGSTOP');
    let flooded: string;
    try {
      flooded = await flood(h2, packet, FLOOD);
    } finally {
      agent.proc.signal('SIGCONT');
    }
    await sleep(500); // it reads what the buffer held

    const viaSignal = socketOf(await agent.status());
    const viaHttp = socketOf(JSON.parse(await get(h1, '/status')) as AgentStatus);
    const families = parsePrometheusTextFormat(await get(h1, '/metrics'));
    const metric = families
      .find((f) => f.name === 'floatd_vrrp_socket_receive_drops_total')
      ?.metrics.find((m) => m.labels?.socket === 'eth0/ipv4');
    const drops = viaSignal.receiveDrops ?? 0;
    const read = viaSignal.rejected['unknown-vrid'] ?? 0;
    console.log(
      `flood of ${FLOOD} while stopped: ${drops} dropped by the kernel, ${read} read; ${flooded}`,
    );
    expect(drops).toBeGreaterThan(0);
    expect(viaHttp.receiveDrops).toBe(drops);
    expect(Number(metric?.value)).toBe(drops);
    // Each flooded packet was either read or dropped at the socket (or lost before it).
    expect(drops + read).toBeLessThanOrEqual(FLOOD);
    expect(read).toBeGreaterThan(0);

    // Not frozen: how much of a flood at the sender's full speed floatd reads (measured, shown).
    const flood2 = await flood(h2, packet, 5 * FLOOD);
    await sleep(500);
    const awake = socketOf(await agent.status());
    const drops2 = (awake.receiveDrops ?? 0) - drops;
    const read2 = (awake.rejected['unknown-vrid'] ?? 0) - read;
    console.log(`flood of ${5 * FLOOD} while running: ${drops2} dropped, ${read2} read; ${flood2}`);

    // And floatd goes on: still MASTER, no transition since.
    expect(agent.transitions().map((t) => t.to)).toEqual(['backup', 'master']);
  });
});
