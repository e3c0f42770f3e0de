// Releasing on the way out: a MASTER that steps down writes its fence record once more, marked
// released, so a fenced peer takes over at its next re-check instead of after a whole lease. One
// best-effort write, after the run's last call; never a claim; nothing when we are fenced
// ourselves; and a takeover that follows writes its new record after it (same tag key).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeCloud,
  VIP,
  advanceUntil,
  testAgent,
  throttled,
  whileAdvancing,
  type CallLogEntry,
  type TestAgent,
} from './fake-cloud.js';

const T0 = 1_750_000_000_000;
const SETTINGS = {
  recheckIntervalMs: 5_000,
  fenceLeaseMs: 15_000,
  driftConfirmMs: 2_000,
  verifyTimeoutMs: 10_000,
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const target = (agent: TestAgent) => agent.reconciler.status().targets[0];
const writesBy = (cloud: FakeCloud, agent: TestAgent, sinceMs: number): CallLogEntry[] =>
  cloud.sent({ instanceId: agent.provider.identity.instanceId, method: 'writeFence', sinceMs });

/** A MASTER and converged, with a heartbeat or two written. */
async function converged(cloud: FakeCloud): Promise<TestAgent> {
  const a = testAgent(cloud, 'a', { settings: SETTINGS });
  a.reconciler.becomeMaster(Date.now());
  await vi.advanceTimersByTimeAsync(12_000);
  expect(target(a)?.phase).toBe('converged');
  return a;
}

describe('stepping down', () => {
  it('after converging: exactly one released record (next beat, same term), and no claim', async () => {
    const cloud = new FakeCloud();
    const a = await converged(cloud);
    const lastBeat = cloud.succeeded({ method: 'writeFence' }).at(-1)?.record;
    const stoppedAtMs = Date.now();
    await a.reconciler.becomeBackup();
    await vi.advanceTimersByTimeAsync(120_000);

    const after = cloud.sent({ sinceMs: stoppedAtMs });
    expect(after.map((c) => [c.method, c.outcome])).toEqual([['writeFence', 'ok']]);
    expect(cloud.fenceRecords(VIP)).toEqual([
      { term: target(a)?.term, owner: 'i-a', beat: (lastBeat?.beat ?? NaN) + 1, released: true },
    ]);
    expect(a.lines.filter((l) => l.event === 'cloud-term-released')).toHaveLength(1);
  });

  it('becomeBackup does not wait for the release; Reconciler.stop() does', async () => {
    const cloud = new FakeCloud({ latencyByMethodMs: { writeFence: 300 } });
    const a = await converged(cloud);
    await a.reconciler.becomeBackup();
    const backupAtMs = Date.now();
    const release = writesBy(cloud, a, backupAtMs)[0];
    expect(release).toMatchObject({ outcome: 'pending', record: { released: true } });

    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(2_000);
    const stopAtMs = Date.now();
    await whileAdvancing(a.reconciler.stop());
    const stop = writesBy(cloud, a, stopAtMs);
    expect(stop.map((c) => [c.outcome, c.record?.released])).toEqual([['ok', true]]);
    expect(Date.now()).toBeGreaterThanOrEqual(stop[0]?.endedAtMs ?? Infinity);
    expect(Date.now() - stopAtMs).toBeGreaterThanOrEqual(300);
  });

  it('a release the API refuses is tried once: stop() still resolves, the record stays live', async () => {
    const cloud = new FakeCloud();
    const a = await converged(cloud);
    const lastBeat = cloud.succeeded({ method: 'writeFence' }).at(-1)?.record;
    cloud.fail({ method: 'writeFence', error: throttled });
    const stopAtMs = Date.now();
    await whileAdvancing(a.reconciler.stop());
    await vi.advanceTimersByTimeAsync(60_000);

    expect(writesBy(cloud, a, stopAtMs).map((c) => c.outcome)).toEqual(['error']);
    expect(cloud.fenceRecords(VIP)).toEqual([lastBeat]);
    expect(a.lines.filter((l) => l.event === 'cloud-term-release-failed')).toHaveLength(1);
  });

  it('a fenced MASTER that steps down writes nothing: its term fences nobody', async () => {
    const cloud = new FakeCloud();
    const a = await converged(cloud);
    const b = testAgent(cloud, 'b', { settings: SETTINGS });
    b.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(20_000);
    expect(target(a)?.phase).toBe('fenced');
    const before = cloud.fenceRecords(VIP).find((r) => r.owner === 'i-a');

    const stopAtMs = Date.now();
    await whileAdvancing(a.reconciler.stop());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(cloud.sent({ instanceId: 'i-a', sinceMs: stopAtMs })).toEqual([]);
    expect(cloud.fenceRecords(VIP).find((r) => r.owner === 'i-a')).toEqual(before);
  });

  it('a record still on the wire when stopping is released after it lands', async () => {
    // The takeover's record write cannot be called back (the request is out): it lands late.
    const cloud = new FakeCloud({ latencyByMethodMs: { writeFence: 500 } });
    cloud.ignoresAbort.add('writeFence');
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(100);
    await whileAdvancing(a.reconciler.stop());

    const writes = writesBy(cloud, a, T0);
    expect(writes.map((c) => [c.outcome, c.record?.released])).toEqual([
      ['ok', false],
      ['ok', true],
    ]);
    expect(writes[1]?.startedAtMs).toBeGreaterThanOrEqual(writes[0]?.endedAtMs ?? Infinity);
    expect(cloud.fenceRecords(VIP)).toEqual([
      { term: target(a)?.term, owner: 'i-a', beat: 1, released: true },
    ]);
    expect(cloud.sent({ method: 'claim' })).toHaveLength(1);
  });
});

describe('MASTER again after stepping down', () => {
  it('with the release in flight: the new record lands after it, so the new term holds', async () => {
    const cloud = new FakeCloud({ latencyByMethodMs: { writeFence: 200 } });
    const a = await converged(cloud);
    const oldTerm = target(a)?.term;
    void a.reconciler.becomeBackup();
    await vi.advanceTimersByTimeAsync(50);
    const againAtMs = Date.now();
    a.reconciler.becomeMaster(againAtMs);
    await vi.advanceTimersByTimeAsync(5_000);

    const newTerm = target(a)?.term ?? NaN;
    expect(newTerm).toBeGreaterThan(oldTerm ?? Infinity);
    const writes = writesBy(cloud, a, againAtMs - 50);
    expect(writes.slice(0, 2).map((c) => [c.record?.term, c.record?.released])).toEqual([
      [oldTerm, true],
      [newTerm, false],
    ]);
    expect(writes[1]?.startedAtMs).toBeGreaterThanOrEqual(writes[0]?.endedAtMs ?? Infinity);
    // The claim did not wait for the release: it left at the decision.
    expect(cloud.sent({ method: 'claim', sinceMs: againAtMs })[0]?.startedAtMs).toBe(againAtMs);
    expect(cloud.fenceRecords(VIP)).toEqual([
      { term: newTerm, owner: 'i-a', beat: 0, released: false },
    ]);
    expect(target(a)?.phase).toBe('converged');
  });

  it('in the same turn (a flap): no release at all, the new record replaces the old', async () => {
    const cloud = new FakeCloud();
    const a = await converged(cloud);
    const flapAtMs = Date.now();
    void a.reconciler.becomeBackup();
    a.reconciler.becomeMaster(flapAtMs);
    await vi.advanceTimersByTimeAsync(3_000);

    const writes = writesBy(cloud, a, flapAtMs);
    expect(writes.map((c) => [c.record?.term, c.record?.released])).toEqual([
      [target(a)?.term, false],
    ]);
    expect(cloud.fenceRecords(VIP)).toEqual([
      { term: target(a)?.term, owner: 'i-a', beat: 0, released: false },
    ]);
  });

  it('a flap, then down again before the new record went out: the old record is released', async () => {
    const cloud = new FakeCloud();
    const a = await converged(cloud);
    const oldTerm = target(a)?.term;
    const flapAtMs = Date.now();
    void a.reconciler.becomeBackup();
    a.reconciler.becomeMaster(flapAtMs);
    await whileAdvancing(a.reconciler.stop());
    await vi.advanceTimersByTimeAsync(60_000);

    expect(cloud.fenceRecords(VIP)).toMatchObject([{ term: oldTerm, released: true }]);
    expect(writesBy(cloud, a, flapAtMs)).toHaveLength(1);
    // Only the flap's claim, sent at the decision and cancelled with it.
    expect(cloud.sent({ method: 'claim', sinceMs: flapAtMs }).map((c) => c.outcome)).toEqual([
      'aborted',
    ]);
  });

  it('a flap whose new record is throttled, then down again: the record is still released', async () => {
    const cloud = new FakeCloud();
    const a = await converged(cloud);
    const flapAtMs = Date.now();
    const rule = cloud.fail({ method: 'writeFence', error: throttled });
    void a.reconciler.becomeBackup();
    a.reconciler.becomeMaster(flapAtMs);
    await vi.advanceTimersByTimeAsync(1_000);
    rule.times = 0;
    await whileAdvancing(a.reconciler.stop());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(cloud.fenceRecords(VIP)).toMatchObject([{ owner: 'i-a', released: true }]);
  });

  it('a holder that flaps in a split brain keeps the fenced peer fenced while its new record is throttled', async () => {
    // Releasing first would lift the fence until the new record lands: the peer would take over
    // with an even newer term and move the address back.
    const cloud = new FakeCloud();
    const a = await converged(cloud);
    const b = testAgent(cloud, 'b', { settings: SETTINGS });
    b.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(20_000);
    expect(target(a)?.phase).toBe('fenced');

    const flapAtMs = Date.now();
    cloud.fail({
      method: 'writeFence',
      instanceId: 'i-b',
      when: (c) => c.record?.released === false,
      error: throttled,
    });
    void b.reconciler.becomeBackup();
    b.reconciler.becomeMaster(flapAtMs);
    await vi.advanceTimersByTimeAsync(8_000);
    cloud.clearFailures();
    await advanceUntil(() => cloud.succeeded({ instanceId: 'i-b', sinceMs: flapAtMs }).length > 0);
    await vi.advanceTimersByTimeAsync(60_000);

    expect(writesBy(cloud, b, flapAtMs).some((c) => c.record?.released === true)).toBe(false);
    expect(cloud.sent({ instanceId: 'i-a', method: 'claim', sinceMs: flapAtMs })).toEqual([]);
    expect(target(a)).toMatchObject({ phase: 'fenced', fencedBy: { owner: 'i-b' } });
    expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-a', 'eni-b']);
  });
});
