// Split brain with the new MASTER's fence record delayed (CreateTags throttled): the older MASTER
// sees the address move with no newer term in sight, waits driftConfirmMs and reads again. If the
// record shows by then, the owner moved once; if not, it takes the address back and the newer
// MASTER claims again after verifyTimeoutMs (B→A→B), and it settles on the newer term.
// Default settings, except a backoff capped at 500 ms so the record lands at most that long after
// the throttling ends.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RECONCILER_SETTINGS } from '../../../src/cloud/reconcile/settings.js';
import {
  FakeCloud,
  VIP,
  advanceUntil,
  testAgent,
  throttled,
  type TestAgent,
} from './fake-cloud.js';

const T0 = 1_750_000_000_000;
const SETTINGS = { ...DEFAULT_RECONCILER_SETTINGS, backoff: { baseMs: 100, maxMs: 500 } };

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const target = (agent: TestAgent) => agent.reconciler.status().targets[0];

/**
 * A converged; B becomes MASTER just as A's re-check is about to read the owner back (A sees the
 * move at once: the worst case), with B's fence writes refused for `throttledMs`.
 */
async function delayedRecord(
  throttledMs: number,
): Promise<{ cloud: FakeCloud; a: TestAgent; b: TestAgent; bAtMs: number; recordAtMs: number }> {
  vi.setSystemTime(T0);
  const cloud = new FakeCloud();
  const a = testAgent(cloud, 'a', { settings: SETTINGS });
  const b = testAgent(cloud, 'b', { settings: SETTINGS });
  a.reconciler.becomeMaster(Date.now());
  await vi.advanceTimersByTimeAsync(1_000);
  const heartbeatPending = (): boolean =>
    cloud.sent({ instanceId: 'i-a', method: 'writeFence' }).at(-1)?.outcome === 'pending';
  await advanceUntil(heartbeatPending, { stepMs: 1 });
  const rule = cloud.fail({ method: 'writeFence', instanceId: 'i-b', error: throttled });
  const bAtMs = Date.now();
  b.reconciler.becomeMaster(bAtMs);
  await vi.advanceTimersByTimeAsync(throttledMs);
  rule.times = 0;
  await advanceUntil(() => cloud.succeeded({ instanceId: 'i-b', method: 'writeFence' }).length > 0);
  const recordAtMs = cloud.succeeded({ instanceId: 'i-b', method: 'writeFence' })[0]?.endedAtMs;
  await vi.advanceTimersByTimeAsync(60_000);
  return { cloud, a, b, bAtMs, recordAtMs: recordAtMs ?? NaN };
}

describe("the new MASTER's fence record throttled", () => {
  it.each([1_000, 2_500, 4_000])(
    'for %i ms, so it shows within driftConfirmMs (5 s): the owner moves once',
    async (throttledMs) => {
      const { cloud, a, b, bAtMs, recordAtMs } = await delayedRecord(throttledMs);
      expect(a.lines.filter((l) => l.event === 'cloud-drift')).toHaveLength(1);
      expect(recordAtMs - bAtMs).toBeLessThan(SETTINGS.driftConfirmMs);
      expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-a', 'eni-b']);
      expect(cloud.sent({ instanceId: 'i-a', method: 'claim', sinceMs: bAtMs })).toEqual([]);
      expect(target(a)).toMatchObject({ phase: 'fenced', fencedBy: { owner: 'i-b' } });
      expect(target(b)?.phase).toBe('converged');
      await vi.advanceTimersByTimeAsync(120_000);
      expect(cloud.ownerHistory(VIP)).toHaveLength(2);
    },
  );

  it('for 7 s, past driftConfirmMs: A takes it back, B claims again after verifyTimeoutMs, then it stays on B', async () => {
    const { cloud, a, b, bAtMs, recordAtMs } = await delayedRecord(7_000);
    expect(recordAtMs - bAtMs).toBeGreaterThan(SETTINGS.driftConfirmMs);
    const history = cloud.ownerHistory(VIP);
    expect(history.map((c) => c.owner)).toEqual(['eni-a', 'eni-b', 'eni-a', 'eni-b']);
    // A's move back comes after its drift confirmation; B's after its read-back gave up.
    const [, bMove, aBack, bAgain] = history.map((c) => c.atMs);
    expect((aBack ?? NaN) - (bMove ?? NaN)).toBeGreaterThanOrEqual(SETTINGS.driftConfirmMs);
    expect((bAgain ?? NaN) - recordAtMs).toBeGreaterThanOrEqual(SETTINGS.verifyTimeoutMs);
    expect(b.lines.filter((l) => l.event === 'cloud-verify-timeout')).toHaveLength(1);
    expect(target(a)).toMatchObject({ phase: 'fenced', fencedBy: { owner: 'i-b' } });
    expect(target(b)?.phase).toBe('converged');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(cloud.ownerHistory(VIP)).toHaveLength(4);
  });
});
