// Guarded claim retries: the first claim of a takeover goes at once, but a retry may land long
// after the decision, after a newer MASTER's claim. So before each retry the loop waits for this
// term's fence record to be out and re-reads the fences; a newer term there fences it instead.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeCloud,
  VIP,
  advanceUntil,
  testAgent,
  throttled,
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
const sentBy = (cloud: FakeCloud, agent: TestAgent, method: 'claim' | 'readFences') =>
  cloud.sent({ instanceId: agent.provider.identity.instanceId, method });

describe('claim retries', () => {
  it('wait until this term’s fence record is written, then read the fences before claiming', async () => {
    const cloud = new FakeCloud();
    cloud.fail({ method: 'claim', times: 1, error: throttled });
    const recordRule = cloud.fail({ method: 'writeFence', error: throttled });
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(3_000);
    // The record is still refused: no retry of the claim, however long the backoff.
    expect(sentBy(cloud, a, 'claim').map((c) => c.outcome)).toEqual(['error']);
    expect(sentBy(cloud, a, 'readFences')).toEqual([]);

    recordRule.times = 0;
    await advanceUntil(() => target(a)?.phase === 'converged');
    const record = cloud.succeeded({ method: 'writeFence' })[0];
    const guard = sentBy(cloud, a, 'readFences')[0];
    const retry = sentBy(cloud, a, 'claim')[1];
    expect(guard?.startedAtMs).toBeGreaterThanOrEqual(record?.endedAtMs ?? Infinity);
    expect(retry?.startedAtMs).toBeGreaterThanOrEqual(guard?.endedAtMs ?? Infinity);
    expect(retry?.outcome).toBe('ok');
    expect(target(a)).toMatchObject({ claims: 1, phase: 'converged' });
  });

  it('a throttled takeover claim that meanwhile meets a newer term: fenced, no further claim', async () => {
    const cloud = new FakeCloud();
    cloud.fail({ method: 'claim', instanceId: 'i-a', error: throttled });
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    const b = testAgent(cloud, 'b', { settings: SETTINGS });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(5);
    b.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(60_000);

    expect(sentBy(cloud, a, 'claim').map((c) => c.outcome)).toEqual(['error']);
    // The retry's fence read (after A's own record and B's landed) is what stopped it.
    const guard = sentBy(cloud, a, 'readFences')[0];
    const bRecord = cloud.succeeded({ instanceId: 'i-b', method: 'writeFence' })[0];
    expect(guard?.startedAtMs).toBeGreaterThan(sentBy(cloud, a, 'claim')[0]?.endedAtMs ?? Infinity);
    expect(guard?.endedAtMs).toBeGreaterThanOrEqual(bRecord?.endedAtMs ?? Infinity);
    expect(target(a)).toMatchObject({
      phase: 'fenced',
      claims: 0,
      fencedBy: { owner: 'i-b', term: target(b)?.term },
    });
    expect(a.lines.filter((l) => l.event === 'cloud-fenced')).toHaveLength(1);
    expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-b']);
  });

  it('a throttled drift re-claim meets the late record of the MASTER that moved it: no move back', async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    const b = testAgent(cloud, 'b', { settings: SETTINGS });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    // B's record is refused past A's drift confirmation; A's re-claim is throttled meanwhile.
    const bRecordRule = cloud.fail({ method: 'writeFence', instanceId: 'i-b', error: throttled });
    const aClaimRule = cloud.fail({ method: 'claim', instanceId: 'i-a', error: throttled });
    const bAtMs = Date.now();
    b.reconciler.becomeMaster(bAtMs);
    const reclaims = () => sentBy(cloud, a, 'claim').filter((c) => c.startedAtMs >= bAtMs);
    await advanceUntil(() => reclaims().length >= 2, { maxMs: 30_000 });
    expect(a.lines.some((l) => l.event === 'cloud-drift')).toBe(true);
    // B's record lands, then the API would accept A's claim: only the fence read stops it.
    bRecordRule.times = 0;
    await advanceUntil(
      () => cloud.succeeded({ instanceId: 'i-b', method: 'writeFence' }).length > 0,
    );
    aClaimRule.times = 0;
    await vi.advanceTimersByTimeAsync(60_000);

    expect(target(a)).toMatchObject({ phase: 'fenced', fencedBy: { owner: 'i-b' } });
    expect(reclaims().every((c) => c.outcome === 'error')).toBe(true);
    const fencedAtMs = Number(a.lines.find((l) => l.event === 'cloud-fenced')?.time);
    expect(reclaims().at(-1)?.startedAtMs).toBeLessThan(fencedAtMs);
    expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-a', 'eni-b']);
  });
});
