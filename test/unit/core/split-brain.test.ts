// The split-brain diagnosis machine (issue 14, Build 4): inputs with nowMs in, diagnoses on and
// off out. Each case is a script of inputs and the reasons suspected after each step.
import { describe, expect, it } from 'vitest';
import { SplitBrainWatch } from '../../../src/agent/vrrp/split-brain.js';
import type { SplitBrainInput } from '../../../src/agent/vrrp/split-brain.js';

const PEER = '10.0.0.2';
const OTHER = '10.0.0.9';
const INTERVAL_MS = 100;
/** Three advert intervals: when silence counts. */
const SILENT_MS = 300;

type Step = readonly [input: SplitBrainInput, suspected: readonly string[]];

const master = (nowMs: number, reason = 'master-down'): SplitBrainInput =>
  ({ type: 'state', nowMs, state: 'master', reason }) as SplitBrainInput;
const backup = (nowMs: number): SplitBrainInput => ({
  type: 'state',
  nowMs,
  state: 'backup',
  reason: 'preempted',
});
const probe = (nowMs: number, ok = true, peer = PEER): SplitBrainInput => ({
  type: 'probe',
  nowMs,
  peer,
  ok,
});
const says = (nowMs: number, state: 'master' | 'backup', peer = PEER): SplitBrainInput => ({
  type: 'peer-state',
  nowMs,
  peer,
  state,
});
const advert = (
  nowMs: number,
  stateAfter: 'master' | 'backup',
  priority = 100,
  src = PEER,
): SplitBrainInput => ({ type: 'advert', nowMs, src, priority, stateAfter });
const tick = (nowMs: number): SplitBrainInput => ({ type: 'tick', nowMs });
const lower = (nowMs: number, sinceMs: number, lastHeardAtMs = nowMs): SplitBrainInput => ({
  type: 'lower-master',
  nowMs,
  lowerMaster: { src: OTHER, priority: 90, sinceMs, lastHeardAtMs },
});
const noLower = (nowMs: number): SplitBrainInput => ({
  type: 'lower-master',
  nowMs,
  lowerMaster: undefined,
});

const BLOCKED = `adverts-blocked ${PEER}`;
const LOWER = `lower-master-not-yielding ${OTHER}`;

const CASES: readonly { name: string; steps: readonly Step[] }[] = [
  {
    name: 'healthy pair: MASTER, the peer a silent BACKUP that answers and says so',
    steps: [
      [master(0, 'startup-owner'), []],
      [probe(100), []],
      [says(150, 'backup'), []],
      [tick(5_000), []],
    ],
  },
  {
    name: 'both MASTER: the peer says MASTER, answers, and no advert arrives',
    steps: [
      [master(0), []],
      [probe(100), []],
      [says(120, 'master'), [BLOCKED]],
      // Adverts arrive again: cleared at once.
      [advert(900, 'master'), []],
      [tick(1_000), []],
    ],
  },
  {
    name: 'the follower: its MASTER went silent but still answers the probe',
    steps: [
      [backup(0), []],
      [advert(100, 'backup'), []],
      [advert(200, 'backup'), []],
      [probe(250), []],
      [master(560, 'master-down'), [BLOCKED]],
      // It stays suspected until adverts arrive; our own adverts preempt it (we become BACKUP).
      [tick(2_000), [BLOCKED]],
      [advert(2_100, 'backup', 150), []],
    ],
  },
  {
    name: 'an unreachable peer is a failover, not a split brain',
    steps: [
      [backup(0), []],
      [advert(100, 'backup'), []],
      [probe(200, false), []],
      [master(460), []],
      [tick(2_000), []],
      // It comes back, still not heard: now suspected. One lost probe is no sign of anything;
      // three in a row are: cleared.
      [probe(2_100, true), [BLOCKED]],
      [probe(2_200, false), [BLOCKED]],
      [probe(2_300, false), [BLOCKED]],
      [probe(2_400, false), []],
    ],
  },
  {
    name: 'a MASTER that released (priority 0) is expected to be silent',
    steps: [
      [backup(0), []],
      [advert(100, 'backup'), []],
      [probe(150), []],
      [advert(200, 'backup', 0), []],
      [master(250, 'master-released'), []],
      [tick(2_000), []],
    ],
  },
  {
    name: 'after preempting the MASTER we followed, its silence is its yield',
    steps: [
      [backup(0), []],
      [advert(100, 'backup', 90), []],
      [probe(150), []],
      [master(400, 'preempting'), []],
      [tick(2_000), []],
    ],
  },
  {
    name: 'a lower MASTER heard as MASTER must yield: its silence then means nothing',
    steps: [
      [master(0), []],
      [probe(50), []],
      [advert(100, 'master', 90), []],
      [tick(1_000), []],
    ],
  },
  {
    name: 'a MASTER beacon sent just before the peer yielded does not count',
    steps: [
      [master(0), []],
      [probe(50), []],
      [advert(100, 'master', 90), []],
      [says(130, 'master'), []],
      [tick(1_000), []],
      // A later one does: the peer is MASTER again and silent.
      [says(1_100, 'master'), [BLOCKED]],
    ],
  },
  {
    name: 'not diagnosed as BACKUP: VRRP itself takes over',
    steps: [
      [backup(0), []],
      [says(10, 'master'), []],
      [probe(20), []],
      [master(200, 'master-down'), [BLOCKED]],
      [backup(250), []],
    ],
  },
  {
    name: 'the peer said MASTER but an advert arrived within three intervals',
    steps: [
      [master(0), []],
      [advert(50, 'master', 90), []],
      [probe(60), []],
      [says(200, 'master'), []],
      [tick(50 + SILENT_MS - 1), []],
      [tick(50 + SILENT_MS), [BLOCKED]],
    ],
  },
  {
    name: 'sources other than the configured peers are kept nothing for',
    steps: [
      [master(0), []],
      [probe(10, true, OTHER), []],
      [says(20, 'master', OTHER), []],
      [advert(30, 'backup', 100, OTHER), []],
      [tick(2_000), []],
    ],
  },
  {
    name: 'a lower-priority MASTER that keeps advertising for three intervals',
    steps: [
      [master(0), []],
      [lower(100, 100), []],
      [lower(300, 100), []],
      [lower(400, 100), [LOWER]],
      [tick(500), [LOWER]],
      // Silent three intervals (the core clears its record then): cleared.
      [tick(700), []],
      [lower(800, 800), []],
      [noLower(850), []],
    ],
  },
  {
    name: 'a lower MASTER is no matter once we are BACKUP',
    steps: [
      [master(0), []],
      [lower(400, 0), [LOWER]],
      [backup(410), []],
    ],
  },
];

describe('SplitBrainWatch', () => {
  for (const { name, steps } of CASES) {
    it(name, () => {
      const watch = new SplitBrainWatch({
        peers: [PEER],
        advertIntervalMs: INTERVAL_MS,
        probeName: 'ICMP echo',
      });
      steps.forEach(([input, suspected], i) => {
        watch.handle(input);
        const now = watch.diagnoses().map((d) => `${d.reason} ${d.peer}`);
        expect(now, `after step ${i}: ${JSON.stringify(input)}`).toEqual(suspected);
      });
    });
  }

  it('says each start and end once, with one line naming the likely cause', () => {
    const watch = new SplitBrainWatch({
      peers: [PEER],
      advertIntervalMs: INTERVAL_MS,
      probeName: 'ICMP echo',
    });
    watch.handle(master(0));
    watch.handle(probe(10));
    const on = watch.handle(says(20, 'master'));
    expect(on).toHaveLength(1);
    const [change] = on;
    expect(change?.type).toBe('suspected');
    expect(change?.diagnosis.sinceMs).toBe(20);
    expect(change?.diagnosis.message).toMatch(/10\.0\.0\.2.*IP protocol 112/);
    expect(change?.diagnosis.message).not.toMatch(/\n/);
    expect(watch.handle(probe(30))).toEqual([]);
    const off = watch.handle(advert(40, 'master'));
    expect(off.map((c) => c.type)).toEqual(['cleared']);
  });
});
