// The per-instance runtime with fake adapters: actions reach the adapters in order, announcements
// wait for the address to exist, and unicast accepts only configured peers by default.
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/agent/config/load-config.js';
import type { InstanceConfig } from '../../../src/agent/config/schema.js';
import { InstanceRuntime } from '../../../src/agent/daemon/instance-runtime.js';
import type {
  AddressPort,
  AdvertSocket,
  AnnouncePort,
  Vip,
} from '../../../src/agent/daemon/ports.js';
import { VrrpMetrics } from '../../../src/agent/status/vrrp-metrics.js';
import type { ReceivedAdvert, VrrpAdvert } from '../../../src/agent/vrrp/codec/types.js';
import { SimClock } from '../../sim/sim-clock.js';

function instance(extra: string): InstanceConfig {
  const yaml = `instances:
  - name: web
    vrid: 7
    interface: eth0
    priority: 150
    advertInterval: 100ms
    vips: [10.99.0.100/24]
${extra}`;
  const config = parseConfigText(yaml, 'test.yaml').instances[0];
  if (config === undefined) throw new Error('no instance');
  return config;
}

function harness(config: InstanceConfig, mode: 'multicast' | 'unicast') {
  const events: string[] = [];
  let releaseAdd: () => void = () => undefined;
  const socket = {
    counters: { sent: 0, sendErrors: 0, received: 0, rejected: {} },
    send: (advert: VrrpAdvert, src: string, destinations: readonly string[]) =>
      events.push(`send prio ${advert.priority} from ${src} to ${destinations.join(',')}`),
    on: () => socket,
    close: () => undefined,
  } as unknown as AdvertSocket;
  const addresses: AddressPort = {
    add: (vip: Vip) => {
      events.push(`add ${vip.address} start`);
      return new Promise<void>((resolve) => {
        releaseAdd = () => {
          events.push(`add ${vip.address} done`);
          resolve();
        };
      });
    },
    remove: async (vip: Vip) => {
      events.push(`remove ${vip.address}`);
    },
    removeLeftovers: async () => [],
  };
  const announce: AnnouncePort = {
    becameMaster: (key, vips) =>
      events.push(`announce ${key} ${vips.map((v) => v.address).join(',')}`),
    stopped: (key) => events.push(`stop-announce ${key}`),
    close: () => undefined,
  };
  const clock = new SimClock();
  const metrics = new VrrpMetrics(new Registry(), () => []);
  const runtime = new InstanceRuntime({
    metrics,
    config,
    primaryAddress: '10.99.0.1',
    socket,
    addresses,
    announce,
    clock,
    logger: pino({ level: 'silent' }),
    mode,
  });
  return { runtime, events, clock, metrics, releaseAdd: () => releaseAdd() };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function advertFrom(src: string, priority: number): ReceivedAdvert {
  return {
    src,
    dst: '10.99.0.1',
    ttl: 255,
    checksum: 0,
    advert: {
      version: 3,
      family: 'ipv4',
      vrid: 7,
      priority,
      maxAdvertIntervalCs: 10,
      addresses: ['10.99.0.100'],
    },
  };
}

describe('InstanceRuntime', () => {
  it('becoming MASTER: advert first, then the VIP, and GARP only once the VIP exists', async () => {
    const h = harness(instance(''), 'multicast');
    h.runtime.start();
    // Master_Down_Interval for priority 150 at 10 cs: 358.6 ms; stop before the next advert.
    h.clock.runUntil(400, () => undefined);
    await flush();
    expect(h.events.slice(0, 2)).toEqual([
      'send prio 150 from 10.99.0.1 to 224.0.0.18',
      'add 10.99.0.100 start',
    ]);
    expect(h.events.some((e) => e.startsWith('announce'))).toBe(false);
    h.releaseAdd();
    await flush();
    await flush();
    expect(h.events.indexOf('announce web 10.99.0.100')).toBe(
      h.events.indexOf('add 10.99.0.100 done') + 1,
    );
  });

  it("a transition's sync-group input, log and notify come after its advert and address changes", async () => {
    const h = harness(instance(''), 'multicast');
    h.runtime.setSyncSink((input) => {
      if (input.type === 'transition') h.events.push(`transition ${input.to}`);
    });
    h.runtime.start();
    h.clock.runUntil(400, () => undefined);
    expect(h.events).toEqual([
      'transition backup',
      'send prio 150 from 10.99.0.1 to 224.0.0.18',
      'add 10.99.0.100 start',
      'transition master',
    ]);
    h.releaseAdd();
    await flush();
    h.events.length = 0;
    const stopped = h.runtime.stop();
    expect(h.events).toEqual([
      'send prio 0 from 10.99.0.1 to 224.0.0.18',
      'stop-announce web',
      'remove 10.99.0.100',
      'transition initialize',
      'stop-announce web',
    ]);
    await stopped;
  });

  it('graceful stop of a MASTER: priority 0, announcements stopped, VIP removed', async () => {
    const h = harness(instance(''), 'multicast');
    h.runtime.start();
    h.clock.runUntil(400, () => undefined);
    await flush();
    h.releaseAdd();
    await flush();
    h.events.length = 0;
    await h.runtime.stop();
    expect(h.events).toEqual([
      'send prio 0 from 10.99.0.1 to 224.0.0.18',
      'stop-announce web',
      'remove 10.99.0.100',
      'stop-announce web',
    ]);
  });

  it('leaving MASTER before the VIP add completed: the queued announcement never starts', async () => {
    const h = harness(instance(''), 'multicast');
    h.runtime.start();
    h.clock.runUntil(400, () => undefined);
    await flush();
    // Preempted while the add is still running: BACKUP, VIPs to be removed.
    h.runtime.receive(advertFrom('10.99.0.2', 200));
    h.releaseAdd();
    for (let i = 0; i < 5; i++) await flush();
    expect(h.events).toContain('remove 10.99.0.100');
    // A schedule started now would announce VIPs being removed, and keep refreshing as BACKUP.
    expect(h.events.filter((e) => e.startsWith('announce'))).toEqual([]);
  });

  it('counts priority-0 adverts sent, and received past the receive checks (keepalived pri_zero_*)', async () => {
    const h = harness(instance(''), 'multicast');
    const zero = async () => {
      const values = (await h.metrics.priorityZeroAdverts.get()).values;
      const of = (direction: string) =>
        values.find((v) => v.labels.direction === direction)?.value ?? 0;
      return { sent: of('sent'), received: of('received') };
    };
    // Not listening (INIT, FAULT): keepalived reads no adverts then, and counts none.
    h.runtime.receive(advertFrom('10.99.0.2', 0));
    h.runtime.start();
    h.runtime.setLink(false);
    expect(h.runtime.status().state).toBe('fault');
    h.runtime.receive(advertFrom('10.99.0.2', 0));
    expect(await zero()).toEqual({ sent: 0, received: 0 });
    h.runtime.setLink(true);
    h.runtime.receive(advertFrom('10.99.0.2', 200));
    expect(h.runtime.status().masterAddress).toBe('10.99.0.2');
    // Another router's priority 0 passed every check; the core discards it (not our MASTER's):
    // keepalived counts it all the same.
    h.runtime.receive(advertFrom('10.99.0.3', 0));
    expect(h.runtime.status().counters.dropped).toEqual({ 'foreign-release': 1 });
    // A v2 advert to a v3 instance fails a check: not counted.
    const v2: ReceivedAdvert = {
      ...advertFrom('10.99.0.2', 0),
      advert: {
        version: 2,
        family: 'ipv4',
        vrid: 7,
        priority: 0,
        advertIntervalSec: 1,
        authType: 0,
        authData: Buffer.alloc(8),
        addresses: ['10.99.0.100'],
      },
    };
    h.runtime.receive(v2);
    expect(await zero()).toEqual({ sent: 0, received: 1 });
    // Our MASTER steps down: counted, and we take over Skew_Time later (RFC 5798 §6.4.2).
    h.runtime.receive(advertFrom('10.99.0.2', 0));
    expect(await zero()).toEqual({ sent: 0, received: 2 });
    h.clock.runUntil(h.clock.nowMs() + 100, () => undefined);
    expect(h.runtime.status().state).toBe('master');
    await flush();
    h.releaseAdd();
    await h.runtime.stop();
    expect(h.events).toContain('send prio 0 from 10.99.0.1 to 224.0.0.18');
    expect(await zero()).toEqual({ sent: 1, received: 2 });
  });

  it('unicast: adverts go to each peer; only configured peers are heard by default', () => {
    const h = harness(
      instance('    mode: unicast\n    unicast: { peers: [10.99.0.2, 10.99.0.3] }\n'),
      'unicast',
    );
    h.runtime.start();
    h.runtime.receive(advertFrom('10.99.0.9', 200));
    expect(h.runtime.status().counters.dropped).toEqual({ 'not-a-peer': 1 });
    expect(h.runtime.status().masterAddress).toBeUndefined();
    h.runtime.receive(advertFrom('10.99.0.2', 200));
    expect(h.runtime.status().masterAddress).toBe('10.99.0.2');
    h.clock.runUntil(5000, () => undefined);
    expect([...new Set(h.events.filter((e) => e.startsWith('send')))]).toEqual([
      'send prio 150 from 10.99.0.1 to 10.99.0.2,10.99.0.3',
    ]);
  });

  it('unicast with acceptUnknownPeers: anyone is heard, as keepalived does by default', () => {
    const h = harness(
      instance(
        '    mode: unicast\n    unicast: { peers: [10.99.0.2], acceptUnknownPeers: true }\n',
      ),
      'unicast',
    );
    h.runtime.start();
    h.runtime.receive(advertFrom('10.99.0.9', 200));
    expect(h.runtime.status().counters.dropped).toEqual({});
    expect(h.runtime.status().masterAddress).toBe('10.99.0.9');
  });
});
