// Everything keyed by a packet's source stays bounded: 100,000 senders with distinct addresses
// (a sender cycling its source) leave a bounded log, bounded memory, a bounded status list and
// no source in any Prometheus label; every packet is still counted.
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/agent/config/load-config.js';
import type { InstanceConfig } from '../../../src/agent/config/schema.js';
import { InstanceDrops, NOT_A_PEER_SHOWN } from '../../../src/agent/daemon/instance-drops.js';
import { InstanceRuntime } from '../../../src/agent/daemon/instance-runtime.js';
import type { AdvertSocket } from '../../../src/agent/daemon/ports.js';
import { SocketLog } from '../../../src/agent/daemon/socket-log.js';
import { DEFAULT_WARN_LIMITS } from '../../../src/agent/daemon/warn-limiter.js';
import { VrrpMetrics } from '../../../src/agent/status/vrrp-metrics.js';
import type { ReceivedAdvert } from '../../../src/agent/vrrp/codec/types.js';
import { SimClock } from '../../sim/sim-clock.js';

const SOURCES = 100_000;
const BUDGET = DEFAULT_WARN_LIMITS.warningsPerWindow;

/** A distinct IPv4 address per i (10.x.y.z). */
const source = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

function logged() {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const logger = pino(
    { level: 'trace' },
    { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
  );
  return { logger, lines };
}

function unicastInstance(): InstanceConfig {
  const yaml = `instances:
  - name: web
    vrid: 7
    interface: eth0
    priority: 150
    advertInterval: 1s
    vips: [10.99.0.100/24]
    mode: unicast
    unicast: { peers: [10.99.0.2, 10.99.0.3] }
`;
  const config = parseConfigText(yaml, 'test.yaml').instances[0];
  if (config === undefined) throw new Error('no instance');
  return config;
}

function runtime(config = unicastInstance(), mode: 'unicast' | 'multicast' = 'unicast') {
  const { logger, lines } = logged();
  const registry = new Registry();
  const clock = new SimClock();
  // Read at scrape time, once the runtime exists.
  const metrics: VrrpMetrics = new VrrpMetrics(registry, () => [rt.status()]);
  const socket = {
    counters: { sent: 0, sendErrors: 0, received: 0, rejected: {} },
    send: () => undefined,
    on: () => socket,
    close: () => undefined,
  } as unknown as AdvertSocket;
  const rt: InstanceRuntime = new InstanceRuntime({
    config,
    primaryAddress: '10.99.0.1',
    socket,
    addresses: { add: async () => {}, remove: async () => {}, removeLeftovers: async () => [] },
    announce: { becameMaster: () => {}, stopped: () => {}, close: () => {} },
    clock,
    logger,
    mode,
    metrics,
  });
  return { rt, lines, registry, clock };
}

function advertFrom(src: string): ReceivedAdvert {
  return {
    src,
    dst: '10.99.0.1',
    ttl: 255,
    checksum: 0,
    advert: {
      version: 3,
      family: 'ipv4',
      vrid: 7,
      priority: 200,
      maxAdvertIntervalCs: 100,
      addresses: ['10.99.0.100'],
    },
  };
}

describe('the not-a-peer warning and status', () => {
  it('names the source, the configured peers and what to fix', () => {
    const { rt, lines } = runtime();
    rt.start();
    rt.receive(advertFrom('10.99.0.9'));
    rt.receive(advertFrom('10.99.0.9'));
    const warnings = lines.filter((l) => l.reason === 'not-a-peer');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 40,
      src: '10.99.0.9',
      peers: ['10.99.0.2', '10.99.0.3'],
      fix:
        'if 10.99.0.9 is a peer, add it to unicast.peers of instance web; to hear any sender ' +
        "(keepalived's default), set unicast.acceptUnknownPeers: true",
    });
    expect(warnings[0]?.msg).toContain(
      "advert from 10.99.0.9 dropped: not one of this instance's unicast peers (10.99.0.2, 10.99.0.3)",
    );
  });

  it('/status lists the last non-peers, newest first, beside the peers', () => {
    const { rt, clock } = runtime();
    rt.start();
    for (const [i, src] of ['10.99.0.9', '10.99.0.8', '10.99.0.9'].entries()) {
      clock.runUntil(1000 * (i + 1), () => undefined);
      rt.receive(advertFrom(src));
    }
    const unicast = rt.status().unicast;
    expect(unicast).toMatchObject({
      peers: ['10.99.0.2', '10.99.0.3'],
      acceptUnknownPeers: false,
      notAPeer: [
        { src: '10.99.0.9', count: 2 },
        { src: '10.99.0.8', count: 1 },
      ],
      fix: expect.stringContaining('if 10.99.0.9 is a peer, add it to unicast.peers'),
    });
    const [newest, older] = unicast?.notAPeer ?? [];
    expect(Date.parse(newest?.lastAt ?? '') - Date.parse(older?.lastAt ?? '')).toBe(1000);
    expect(rt.status().counters.dropped).toEqual({ 'not-a-peer': 3 });
  });

  it('a multicast instance without peers shows no unicast block', () => {
    const config = unicastInstance();
    const { rt } = runtime(
      { ...config, mode: 'multicast', unicast: { ...config.unicast, peers: [] } },
      'multicast',
    );
    expect(rt.status().unicast).toBeUndefined();
  });
});

describe(`${SOURCES} distinct sources`, () => {
  it('not-a-peer: bounded log, status and warning memory; all counted; no source in a metric label', async () => {
    const { rt, lines, registry, clock } = runtime();
    rt.start();
    for (let i = 0; i < SOURCES; i++) {
      clock.runUntil(i, () => undefined); // 1 ms apart: 100 s, within one warning window
      rt.receive(advertFrom(source(i)));
    }
    const dropLines = lines.filter((l) => l.level >= 40);
    expect(dropLines.length).toBeLessThanOrEqual(BUDGET + 1);
    expect(dropLines.filter((l) => l.event === 'log-limited')).toHaveLength(1);
    const { unicast, counters } = rt.status();
    expect(unicast?.notAPeer).toHaveLength(NOT_A_PEER_SHOWN);
    expect(unicast?.notAPeer[0]?.src).toBe(source(SOURCES - 1));
    expect(counters.dropped).toEqual({ 'not-a-peer': SOURCES });

    const text = await registry.metrics();
    expect(text).toContain(
      `floatd_vrrp_adverts_dropped_total{instance="web",reason="not-a-peer"} ${SOURCES}`,
    );
    const labelValues = [...text.matchAll(/="([^"]*)"/g)].map((m) => m[1]);
    expect(labelValues.filter((v) => /^10\.\d+\.\d+\.\d+$/.test(v ?? ''))).toEqual([]);
  });

  it('drops by the core (any reason): warning memory and log lines bounded', () => {
    const { logger, lines } = logged();
    const clock = new SimClock();
    const drops = new InstanceDrops({ name: 'web', logger, clock });
    let maxKeys = 0;
    for (let i = 0; i < SOURCES; i++) {
      clock.runUntil(i * 20, () => undefined); // 2000 s: four windows
      drops.drop(i % 2 === 0 ? 'auth-mismatch' : 'interval-mismatch', source(i));
      drops.anomaly('address-list-mismatch', source(i));
      maxKeys = Math.max(maxKeys, drops.warnedKeys);
    }
    const windows = Math.ceil((SOURCES * 20) / DEFAULT_WARN_LIMITS.windowMs);
    expect(maxKeys).toBeLessThanOrEqual(2 * BUDGET);
    expect(lines.length).toBeLessThanOrEqual(windows * (BUDGET + 1));
    expect(Object.fromEntries(drops.byReason)).toEqual({
      'auth-mismatch': SOURCES / 2,
      'interval-mismatch': SOURCES / 2,
    });
  });

  it('socket rejects and unknown VRIDs: log lines and memory bounded', () => {
    const { logger, lines } = logged();
    const clock = new SimClock();
    const log = new SocketLog(logger, clock);
    let maxKeys = 0;
    for (let i = 0; i < SOURCES; i++) {
      clock.runUntil(i, () => undefined);
      log.rejected('bad-ttl', 'TTL 64', source(i));
      log.unknownVrid(i % 255, source(i));
      maxKeys = Math.max(maxKeys, log.size);
    }
    expect(maxKeys).toBeLessThanOrEqual(2 * 2 * BUDGET);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(BUDGET + 1);
    expect(lines.filter((l) => l.level === 20)).toHaveLength(BUDGET + 1);
    expect(lines[0]).toMatchObject({ reason: 'bad-ttl', detail: 'TTL 64', src: '10.0.0.0' });
  });

  it('our own looped-back packets are a debug line, not a warning', () => {
    const { logger, lines } = logged();
    const log = new SocketLog(logger, new SimClock());
    log.rejected('own-packet', 'from our own address 10.99.0.1', '10.99.0.1');
    expect(lines.map((l) => l.level)).toEqual([20]);
  });
});
