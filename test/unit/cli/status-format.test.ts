// `floatd status` as a table: the lines added for dropped non-peers and kernel receive drops.
import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../../src/agent/cli/status-command.js';
import type { AgentStatus } from '../../../src/agent/daemon/agent.js';
import type { InstanceStatus } from '../../../src/agent/daemon/instance-runtime.js';

const web: InstanceStatus = {
  name: 'web',
  vrid: 51,
  interface: 'eth0',
  state: 'backup',
  mode: 'unicast',
  basePriority: 100,
  effectivePriority: 100,
  masterAddress: '10.0.0.1',
  lastTransition: undefined,
  counters: { advertsSent: 0, advertsReceived: 9, dropped: { 'not-a-peer': 3 }, addressErrors: 0 },
};

function status(instance: InstanceStatus, receiveDrops?: number): AgentStatus {
  return {
    pid: 1,
    time: '2026-12-06T00:00:00.000Z',
    nowMs: 0,
    instances: [instance],
    sockets: [
      { socket: 'eth0/ipv4', sent: 0, sendErrors: 0, received: 12, rejected: {}, receiveDrops },
    ],
  };
}

describe('formatStatus', () => {
  it('names the non-peers dropped and the fix under their instance', () => {
    const text = formatStatus(
      status({
        ...web,
        unicast: {
          peers: ['10.0.0.1'],
          acceptUnknownPeers: false,
          notAPeer: [
            { src: '10.0.0.9', count: 2, lastAt: '2026-12-06T00:00:00.000Z' },
            { src: '10.0.0.8', count: 1, lastAt: '2026-12-05T23:59:59.000Z' },
          ],
          fix: 'if 10.0.0.9 is a peer, add it to unicast.peers of instance web; ...',
        },
      }),
    );
    expect(text.split('\n')[2]).toBe(
      '  not a peer, dropped: 10.0.0.9 (2), 10.0.0.8 (1); if 10.0.0.9 is a peer, add it to unicast.peers of instance web; ...',
    );
  });

  it('shows kernel receive drops only when there are some', () => {
    expect(formatStatus(status(web, 0))).not.toContain('SOCKETS');
    expect(formatStatus(status(web))).not.toContain('SOCKETS');
    expect(formatStatus(status(web, 4711))).toContain(
      'SOCKETS\n  eth0/ipv4: 4711 packets dropped by the kernel (not read in time)',
    );
  });
});
