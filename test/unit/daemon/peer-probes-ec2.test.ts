// unicast.probe: ec2 (issue 14, Build 4) against a fake clock and a fake EC2 check: one call per
// peer at most every max(probe interval, 5 s) (EC2 throttles DescribeInstances per account),
// never two in flight for a peer, and each answer fed to the diagnosis: running is reachable,
// anything else, including a failed call (unknown), is not.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { EC2_PROBE_MIN_INTERVAL_MS } from '../../../src/agent/daemon/ec2-probe-interval.js';
import { PeerProbes, type ProbedInstance } from '../../../src/agent/daemon/peer-probes.js';
import { SplitBrainMonitor } from '../../../src/agent/daemon/split-brain-monitor.js';
import type { PeerInstanceReachability } from '../../../src/cloud/aws/peer-instance.js';
import type { VirtualRouterSnapshot } from '../../../src/agent/vrrp/types.js';
import { FakeClock, settle } from '../track/fake-clock.js';

const PEERS = ['10.99.0.2', '10.99.0.3'];

function setup(intervalMs: number, answer: () => PeerInstanceReachability | Promise<never>) {
  const clock = new FakeClock();
  const calls: { atMs: number; instance: string; peer: string }[] = [];
  let hold: Promise<void> | undefined;
  const probes = new PeerProbes({
    clock,
    logger: pino({ level: 'silent' }),
    openEchoSocket: () => {
      throw new Error('an ec2 probe opens no ICMP socket');
    },
    ec2Check: async (instance, peer) => {
      calls.push({ atMs: clock.nowMs(), instance, peer });
      if (hold !== undefined) await hold;
      return answer();
    },
  });
  const results: [string, boolean][] = [];
  const instance: ProbedInstance = {
    name: 'web',
    family: 'ipv4',
    vrid: 51,
    peers: PEERS,
    probe: { kind: 'ec2' },
    intervalMs,
    state: () => 'master',
    probed: (peer, ok) => results.push([peer, ok]),
    peerSaid: () => undefined,
  };
  const remove = probes.add(instance);
  const holdCalls = (): (() => void) => {
    let release = (): void => undefined;
    hold = new Promise((resolve) => (release = resolve));
    return () => {
      hold = undefined;
      release();
    };
  };
  return { clock, calls, results, remove, holdCalls };
}

describe('peer probes: unicast.probe ec2', () => {
  it('asks EC2 about each peer at most every 5 s although the probe interval is 100 ms', async () => {
    const { clock, calls, results } = setup(100, () => 'reachable');
    await settle();
    expect(calls.map((c) => [c.atMs, c.instance, c.peer])).toEqual([
      [0, 'web', PEERS[0]],
      [0, 'web', PEERS[1]],
    ]);
    for (let ms = 100; ms <= 20_000; ms += 100) {
      clock.advance(100);
      await settle();
    }
    // 0, 5, 10, 15, 20 s: five rounds of one call per peer over 20 s, never 200.
    expect(calls.map((c) => c.atMs)).toEqual([
      0, 0, 5000, 5000, 10000, 10000, 15000, 15000, 20000, 20000,
    ]);
    for (const peer of PEERS) {
      const times = calls.filter((c) => c.peer === peer).map((c) => c.atMs);
      times
        .slice(1)
        .forEach((atMs, i) =>
          expect(atMs - (times[i] ?? 0)).toBeGreaterThanOrEqual(EC2_PROBE_MIN_INTERVAL_MS),
        );
    }
    expect(results).toHaveLength(10);
    expect(results.every(([, ok]) => ok)).toBe(true);
  });

  it('keeps a longer configured probe interval', async () => {
    const { clock, calls } = setup(8000, () => 'reachable');
    for (let ms = 0; ms < 16_000; ms += 1000) {
      await settle();
      clock.advance(1000);
    }
    await settle();
    expect(calls.map((c) => c.atMs)).toEqual([0, 0, 8000, 8000, 16000, 16000]);
  });

  it('feeds running as reachable, and not running or a failed call (unknown) as not', async () => {
    let next: PeerInstanceReachability = 'reachable';
    const { clock, results } = setup(100, () => next);
    await settle();
    for (const answer of ['unreachable', 'unknown'] as const) {
      next = answer;
      clock.advance(EC2_PROBE_MIN_INTERVAL_MS);
      await settle();
    }
    expect(results).toEqual([
      [PEERS[0], true],
      [PEERS[1], true],
      [PEERS[0], false],
      [PEERS[1], false],
      [PEERS[0], false],
      [PEERS[1], false],
    ]);
  });

  it('a check that rejects counts as unknown, not as reachable', async () => {
    const { results } = setup(100, () => Promise.reject(new Error('RequestLimitExceeded')));
    await settle();
    await settle();
    expect(results).toEqual([
      [PEERS[0], false],
      [PEERS[1], false],
    ]);
  });

  it('never has two calls in flight for a peer: a slow call skips the next round', async () => {
    const { clock, calls, results, holdCalls } = setup(100, () => 'reachable');
    await settle();
    const release = holdCalls();
    clock.advance(EC2_PROBE_MIN_INTERVAL_MS); // round 2: held
    await settle();
    clock.advance(EC2_PROBE_MIN_INTERVAL_MS); // round 3: still held, no new call
    await settle();
    expect(calls).toHaveLength(4);
    release();
    await settle();
    await settle();
    expect(results).toHaveLength(4);
    clock.advance(EC2_PROBE_MIN_INTERVAL_MS);
    await settle();
    expect(calls).toHaveLength(6);
  });

  it('stops asking once removed', async () => {
    const { clock, calls, remove } = setup(100, () => 'reachable');
    await settle();
    remove();
    clock.advance(60_000);
    await settle();
    expect(calls).toHaveLength(2);
  });
});

describe('ec2 probe results in the diagnosis', () => {
  it('a running, silent peer that was MASTER is named; once EC2 cannot say, it clears', async () => {
    const clock = new FakeClock();
    const monitor = new SplitBrainMonitor({
      peers: [PEERS[0] as string],
      advertIntervalMs: 1000,
      probe: { kind: 'ec2' },
      clock,
      logger: pino({ level: 'silent' }),
    });
    let answer: PeerInstanceReachability = 'reachable';
    const probes = new PeerProbes({
      clock,
      logger: pino({ level: 'silent' }),
      openEchoSocket: () => {
        throw new Error('no ICMP');
      },
      ec2Check: () => Promise.resolve(answer),
    });
    const snap = (state: VirtualRouterSnapshot['state'], reason: string) =>
      ({ state, lastTransition: { reason } }) as unknown as VirtualRouterSnapshot;
    // We follow the peer as BACKUP (its adverts say it is MASTER), then its adverts stop.
    monitor.afterCoreInput(snap('backup', 'startup'));
    monitor.advert(PEERS[0] as string, 100, 'backup');
    probes.add({
      name: 'web',
      family: 'ipv4',
      vrid: 51,
      peers: [PEERS[0] as string],
      probe: { kind: 'ec2' },
      intervalMs: 1000,
      state: () => 'master',
      probed: (peer, ok) => monitor.probed(peer, ok),
      peerSaid: (peer, state) => monitor.peerSaid(peer, state),
    });
    await settle();
    clock.advance(3000);
    monitor.afterCoreInput(snap('master', 'master-down'));
    expect(monitor.status()).toEqual([
      expect.objectContaining({
        reason: 'adverts-blocked',
        peer: PEERS[0],
        message: expect.stringMatching(
          /the EC2 check \(its instance is running\).*IP protocol 112/,
        ) as unknown,
      }),
    ]);
    // EC2 fails three times in a row: the peer is no longer taken as reachable.
    answer = 'unknown';
    for (let i = 0; i < 3; i += 1) {
      clock.advance(EC2_PROBE_MIN_INTERVAL_MS);
      await settle();
    }
    expect(monitor.status()).toEqual([]);
    probes.close();
  });
});
