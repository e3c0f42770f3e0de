// IPv4 options on a live segment: a third host sends valid adverts carrying a Timestamp (which
// the receiving kernel fills in, leaving the header checksum stale), a Router Alert or a Record
// Route option, with IP_HDRINCL from its own namespace. floatd must take each as keepalived
// 2.2.7 does (options skipped): counted as received, no socket reject, and a higher-priority
// one with a Timestamp makes the MASTER step down.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/daemon/agent.js';
import { labTempDir, sleep, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';
import type { AdvertJson, Inject } from './io/socket-probe.js';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'io/socket-probe.ts');
const VRID = 61;
const COPIES = 3;

/** RFC 791 §3.1 Internet Timestamp, timestamps only, two empty slots. */
const TIMESTAMP = '440c0500' + '00'.repeat(8);
/** RFC 2113 Router Alert. */
const ROUTER_ALERT = '94040000';
/** RFC 791 Record Route, three empty slots (the kernel records its address too). */
const RECORD_ROUTE = '070f04' + '00'.repeat(12) + '00';

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.destroy();
});

async function inject(host: LabHost, packets: readonly Inject[]): Promise<void> {
  const proc = host.spawn('node', [
    ...['--import', 'tsx', PROBE, 'inject', 'iface=eth0', 'family=ipv4'],
    `packets=${JSON.stringify(packets)}`,
  ]);
  const timer = setTimeout(() => void proc.kill('SIGKILL'), 15_000);
  const code = await proc.exited;
  clearTimeout(timer);
  expect(code, proc.output()).toBe(0);
  expect(proc.output()).not.toMatch(/"error":"/);
}

function received(status: AgentStatus): number {
  return status.instances[0]?.counters.advertsReceived ?? 0;
}

function rejected(status: AgentStatus): Record<string, number> {
  return status.sockets[0]?.rejected ?? {};
}

describe('IPv4 options (lab)', () => {
  it('adverts with Timestamp, Router Alert or Record Route options are accepted', async (ctx) => {
    requireLab(ctx);
    lab = await Lab.create({ hosts: 2 });
    const [h1, h2] = [lab.host(1), lab.host(2)];
    const vip = lab.address(100);
    const agent = await startFloatd(
      h1,
      `instances:
  - name: opt
    vrid: ${VRID}
    interface: eth0
    priority: 150
    advertInterval: 200ms
    vips: [${vip}/24]
    garp: { masterDelay: 0s, masterRepeat: 1 }
`,
      labTempDir(),
    );
    await agent.waitForState('master', 8000);

    const advert = (priority: number): AdvertJson => ({
      version: 3,
      family: 'ipv4',
      vrid: VRID,
      priority,
      maxAdvertIntervalCs: 20,
      addresses: [vip],
    });
    const kinds: [string, Inject][] = [
      [
        'Timestamp, multicast',
        { src: h2.ip, dst: '224.0.0.18', ipOptionsHex: TIMESTAMP, advert: advert(50) },
      ],
      [
        'Timestamp, unicast',
        { src: h2.ip, dst: h1.ip, ipOptionsHex: TIMESTAMP, advert: advert(50) },
      ],
      [
        'Router Alert',
        { src: h2.ip, dst: '224.0.0.18', ipOptionsHex: ROUTER_ALERT, advert: advert(50) },
      ],
      ['Record Route', { src: h2.ip, dst: h1.ip, ipOptionsHex: RECORD_ROUTE, advert: advert(50) }],
    ];
    for (const [name, packet] of kinds) {
      const before = await agent.status();
      await inject(
        h2,
        Array.from({ length: COPIES }, () => packet),
      );
      await sleep(200);
      const after = await agent.status();
      expect(received(after) - received(before), name).toBe(COPIES);
      expect(rejected(after), name).toEqual(rejected(before));
      expect(after.instances[0]?.state, name).toBe('master');
    }

    // The core took them too: a higher priority with a Timestamp option makes it step down.
    const t = Date.now();
    await inject(h2, [
      { src: h2.ip, dst: '224.0.0.18', ipOptionsHex: TIMESTAMP, advert: advert(254) },
    ]);
    const stepDown = await agent.waitForState('backup', 2000, t);
    expect(stepDown.reason).toBeDefined();
    expect((await agent.status()).instances[0]?.masterAddress).toBe(h2.ip);
  });
});
