// The split-brain diagnosis in the status (issue 14, Build 4): a line under its instance in
// `floatd status`, and floatd_vrrp_split_brain_suspected on /metrics (0 per watched peer, 1
// while suspected).
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../../src/agent/cli/status-command.js';
import type { InstanceStatus } from '../../../src/agent/status/instance-status.js';
import { SplitBrainMetrics } from '../../../src/agent/status/split-brain-metrics.js';

const MESSAGE =
  'split brain suspected: both MASTER; peer 10.0.0.2 answers ICMP echo and says it is MASTER, yet none of its VRRP adverts arrive: likely a firewall or security group blocking IP protocol 112 (VRRP) between the peers';

const web: InstanceStatus = {
  name: 'web',
  vrid: 51,
  interface: 'eth0',
  state: 'master',
  mode: 'unicast',
  basePriority: 150,
  effectivePriority: 150,
  masterAddress: '10.0.0.1',
  lastTransition: undefined,
  counters: { advertsSent: 9, advertsReceived: 0, dropped: {}, addressErrors: 0 },
  unicast: { peers: ['10.0.0.2', '10.0.0.3'], acceptUnknownPeers: false, notAPeer: [] },
};
const suspected: InstanceStatus = {
  ...web,
  splitBrain: [
    {
      reason: 'adverts-blocked',
      peer: '10.0.0.2',
      since: '2026-12-06T00:00:00.000Z',
      message: MESSAGE,
    },
  ],
};

describe('split brain in the status', () => {
  it('is one line under its instance in floatd status', () => {
    const text = formatStatus({
      pid: 1,
      time: '2026-12-06T00:00:01.000Z',
      nowMs: 0,
      instances: [suspected],
      sockets: [],
    });
    expect(text.split('\n')[2]).toBe(`  SPLIT BRAIN since 2026-12-06T00:00:00.000Z: ${MESSAGE}`);
    expect(
      formatStatus({ pid: 1, time: '', nowMs: 0, instances: [web], sockets: [] }),
    ).not.toContain('SPLIT BRAIN');
  });

  it('is floatd_vrrp_split_brain_suspected: 0 for each watched peer, 1 while suspected', async () => {
    const registry = new Registry();
    let instances = [web];
    new SplitBrainMetrics(registry, () => instances);
    const gauge = async (): Promise<string[]> =>
      (await registry.metrics()).split('\n').filter((l) => l.startsWith('floatd_'));
    expect(await gauge()).toEqual([
      'floatd_vrrp_split_brain_suspected{instance="web",peer="10.0.0.2",reason="adverts-blocked"} 0',
      'floatd_vrrp_split_brain_suspected{instance="web",peer="10.0.0.3",reason="adverts-blocked"} 0',
    ]);
    instances = [suspected];
    expect(await gauge()).toContain(
      'floatd_vrrp_split_brain_suspected{instance="web",peer="10.0.0.2",reason="adverts-blocked"} 1',
    );
  });
});
