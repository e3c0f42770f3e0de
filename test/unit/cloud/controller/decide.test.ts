// The serverless controller's decision for a group (src/cloud/controller/logic/decide.ts) and the
// rise/fall health counter it decides from.
import { describe, expect, it } from 'vitest';
import { decideGroup } from '../../../../src/cloud/controller/logic/decide.js';
import { HealthCounter } from '../../../../src/cloud/controller/logic/health.js';
import type {
  Candidate,
  ControllerGroup,
  Health,
  Holding,
} from '../../../../src/cloud/controller/logic/types.js';

const A: Candidate = {
  instanceId: 'i-0aaaaaaaaaaaaaaaa',
  networkInterfaceId: 'eni-0aaaaaaaaaaaaaaaa',
  subnetId: 'subnet-0123456789abcdef0',
  priority: 150,
  address: '10.0.1.10',
};
const B: Candidate = {
  instanceId: 'i-0bbbbbbbbbbbbbbbb',
  networkInterfaceId: 'eni-0bbbbbbbbbbbbbbbb',
  subnetId: 'subnet-0123456789abcdef0',
  priority: 100,
  address: '10.0.1.11',
};

function group(preempt: boolean): ControllerGroup {
  return {
    name: 'nat',
    targets: [
      { kind: 'route-table', routeTableIds: ['rtb-01234567'], destinationCidr: '0.0.0.0/0' },
    ],
    candidates: [B, A],
    health: {
      check: { type: 'tcp', port: 22 },
      intervalMs: 5000,
      timeoutMs: 2000,
      rise: 2,
      fall: 3,
    },
    preempt,
    preemptHoldDownMs: 60_000,
  };
}

const NOW_MS = 1_800_000_000_000;
const held = (c: Candidate): Holding => ({ kind: 'candidate', instanceId: c.instanceId });
const health =
  (a: Health, b: Health) =>
  (id: string): Health =>
    id === A.instanceId ? a : id === B.instanceId ? b : 'unknown';

describe('the controller decides where a group belongs', () => {
  it.each([
    // [holding, A, B, preempt, expected]
    ['nobody', { kind: 'none' }, 'healthy', 'healthy', true, 'move A'],
    ['nobody, only B healthy', { kind: 'none' }, 'unhealthy', 'healthy', true, 'move B'],
    ['B holds, A better, preempt', held(B), 'healthy', 'healthy', true, 'move A'],
    ['B holds, A better, no preempt', held(B), 'healthy', 'healthy', false, 'keep B'],
    ['A holds, A fails', held(A), 'unhealthy', 'healthy', false, 'move B'],
    ['A holds, not known yet', held(A), 'unknown', 'healthy', true, 'keep A'],
    ['A holds, A fails, none healthy', held(A), 'unhealthy', 'unknown', true, 'wait'],
    ['a live agent holds it', { kind: 'agent', owner: 'i-0c' }, 'healthy', 'healthy', true, 'wait'],
    [
      'another ENI holds it',
      { kind: 'other', networkInterfaceId: 'eni-0x' },
      'unknown',
      'healthy',
      true,
      'move B',
    ],
  ] as const)('%s -> %s', (_name, holding, a, b, preempt, expected) => {
    const d = decideGroup(group(preempt), holding as Holding, health(a, b), NOW_MS);
    const summary =
      d.action === 'move'
        ? `move ${d.to === A ? 'A' : 'B'}`
        : d.action === 'keep'
          ? `keep ${d.instanceId === A.instanceId ? 'A' : 'B'}`
          : 'wait';
    expect(summary, d.why).toBe(expected);
    expect(d.why.length).toBeGreaterThan(0);
  });

  it('the same facts give the same decision (a duplicated event changes nothing)', () => {
    const facts = [group(true), held(B), health('healthy', 'healthy'), NOW_MS] as const;
    expect(decideGroup(...facts)).toEqual(decideGroup(...facts));
  });

  it('equal priorities always pick the same candidate, whatever the list order', () => {
    const twin: Candidate = { ...B, priority: A.priority };
    const g = { ...group(true), candidates: [twin, A] };
    const h = health('healthy', 'healthy');
    const first = decideGroup(g, { kind: 'none' }, h, NOW_MS);
    const second = decideGroup({ ...g, candidates: [A, twin] }, { kind: 'none' }, h, NOW_MS);
    expect(first).toEqual(second);
  });
});

describe('preemption', () => {
  it('takes a strictly higher priority: a healthy holder of equal priority keeps (RFC 5798 §6.4.3)', () => {
    const twin: Candidate = { ...B, priority: A.priority };
    const g = { ...group(true), candidates: [twin, A] };
    // A's id sorts first: it would win a tie among non-holders, but not from a holder.
    const d = decideGroup(g, held(twin), health('healthy', 'healthy'), NOW_MS);
    expect(d).toMatchObject({ action: 'keep', instanceId: twin.instanceId });
  });

  it("waits out the hold-down after the controller's own move there, then preempts", () => {
    const movedTo = (atMs: number): Holding => ({ ...held(B), movedAtMs: atMs }) as Holding;
    const h = health('healthy', 'healthy');
    const recent = decideGroup(group(true), movedTo(NOW_MS - 5_000), h, NOW_MS);
    expect(recent).toMatchObject({ action: 'keep', instanceId: B.instanceId });
    expect(recent.why).toMatch(/held down \(moved here 5 s ago\)/);
    const later = decideGroup(group(true), movedTo(NOW_MS - 60_000), h, NOW_MS);
    expect(later).toMatchObject({ action: 'move', to: A });
    // A failed holder moves at once, hold-down or not.
    const failed = decideGroup(
      group(true),
      movedTo(NOW_MS - 1),
      health('healthy', 'unhealthy'),
      NOW_MS,
    );
    expect(failed).toMatchObject({ action: 'move', to: A });
  });
});

describe('rise and fall', () => {
  it('unknown until rise successes or fall failures in a row', () => {
    const h = new HealthCounter(2, 3);
    let t = 0;
    const probe = (ok: boolean) => h.record(ok, (t += 5000));
    expect(probe(true)).toBe('unknown');
    expect(probe(true)).toBe('healthy');
    expect(probe(false)).toBe('healthy');
    expect(probe(false)).toBe('healthy');
    expect(probe(true)).toBe('healthy'); // the run of failures is broken
    expect([probe(false), probe(false), probe(false)]).toEqual(['healthy', 'healthy', 'unhealthy']);
    expect(probe(true)).toBe('unhealthy');
    expect(probe(true)).toBe('healthy');
  });

  it('a state-change event (stopping, terminated) is unhealthy at once', () => {
    const h = new HealthCounter(2, 3);
    h.record(true, 1000);
    h.record(true, 6000);
    expect(h.down(7000)).toBe(true);
    expect(h.health).toBe('unhealthy');
    expect(h.record(true, 11_000)).toBe('unhealthy');
  });

  it('an event older than a successful probe is stale and changes nothing (out of order)', () => {
    const h = new HealthCounter(2, 3);
    h.record(true, 1000);
    h.record(true, 6000);
    expect(h.down(5000)).toBe(false);
    expect(h.health).toBe('healthy');
  });
});
