// VRRP metrics on a fresh registry: state and priority read from the instances at scrape time,
// socket rejects by reason from the sockets' totals, counters from the runtime.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { InstanceStatus } from '../../../src/agent/daemon/instance-runtime.js';
import { VrrpMetrics, type SocketRejects } from '../../../src/agent/status/vrrp-metrics.js';

const web: InstanceStatus = {
  name: 'web',
  vrid: 51,
  interface: 'eth0',
  state: 'master',
  mode: 'multicast',
  basePriority: 150,
  effectivePriority: 140,
  masterAddress: '10.0.0.1',
  lastTransition: undefined,
  counters: { advertsSent: 0, advertsReceived: 0, dropped: {}, addressErrors: 0 },
};

const samples = (text: string): string[] =>
  text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));

describe('VrrpMetrics', () => {
  it('reads state, priorities and socket rejects at scrape time', async () => {
    const registry = new Registry();
    const sockets: SocketRejects[] = [
      { socket: 'eth0/ipv4', rejected: { 'bad-checksum': 2, 'unknown-vrid': 5 } },
    ];
    const metrics = new VrrpMetrics(
      registry,
      () => [web],
      () => sockets,
    );
    metrics.advertsDropped.inc({ instance: 'web', reason: 'auth-mismatch' });
    const text = samples(await registry.metrics());
    expect(text).toEqual(
      expect.arrayContaining([
        'floatd_vrrp_state{instance="web",state="master"} 1',
        'floatd_vrrp_state{instance="web",state="backup"} 0',
        'floatd_vrrp_priority{instance="web",kind="base"} 150',
        'floatd_vrrp_priority{instance="web",kind="effective"} 140',
        'floatd_vrrp_packets_rejected_total{socket="eth0/ipv4",reason="bad-checksum"} 2',
        'floatd_vrrp_packets_rejected_total{socket="eth0/ipv4",reason="unknown-vrid"} 5',
        'floatd_vrrp_adverts_dropped_total{instance="web",reason="auth-mismatch"} 1',
      ]),
    );
    sockets[0] = { socket: 'eth0/ipv4', rejected: { 'bad-checksum': 3, 'unknown-vrid': 5 } };
    expect(samples(await registry.metrics())).toContain(
      'floatd_vrrp_packets_rejected_total{socket="eth0/ipv4",reason="bad-checksum"} 3',
    );
  });

  it('kernel receive drops per socket, read at scrape time; a socket that cannot tell is left out', async () => {
    const registry = new Registry();
    const sockets: SocketRejects[] = [
      { socket: 'eth0/ipv4', rejected: {}, receiveDrops: 0 },
      { socket: 'eth0/ipv6', rejected: {} },
    ];
    new VrrpMetrics(
      registry,
      () => [],
      () => sockets,
    );
    const drops = (text: string) =>
      samples(text).filter((l) => l.startsWith('floatd_vrrp_socket_receive_drops_total'));
    expect(drops(await registry.metrics())).toEqual([
      'floatd_vrrp_socket_receive_drops_total{socket="eth0/ipv4"} 0',
    ]);
    sockets[0] = { socket: 'eth0/ipv4', rejected: {}, receiveDrops: 19_744 };
    expect(drops(await registry.metrics())).toEqual([
      'floatd_vrrp_socket_receive_drops_total{socket="eth0/ipv4"} 19744',
    ]);
    expect(await registry.metrics()).toContain(
      '# TYPE floatd_vrrp_socket_receive_drops_total counter',
    );
  });
});
