// Failures and eventual consistency: throttling backs off with capped, jittered waits; a
// non-retryable error waits the re-check interval and shows in status; a lagging read-back is
// polled, then claimed again past verifyTimeoutMs.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelayMs } from '../../../src/cloud/reconcile/backoff.js';
import { FakeCloud, VIP, authFailure, serverError, testAgent, throttled } from './fake-cloud.js';

const T0 = 1_750_000_000_000;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('retryable failures', () => {
  it('throttling backs off with growing, jittered, capped waits, then converges with a bounded number of calls', async () => {
    const cloud = new FakeCloud({ latencyMs: 10 });
    const failures = 10;
    cloud.fail({ method: 'claim', instanceId: 'i-a', times: failures, error: throttled });
    const backoff = { baseMs: 100, maxMs: 1_000 };
    const a = testAgent(cloud, 'a', { settings: { backoff } });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(30_000);

    const claims = cloud.sent({ method: 'claim' });
    expect(claims.map((c) => c.outcome)).toEqual([...Array<string>(failures).fill('error'), 'ok']);
    expect(cloud.ownerOf(VIP)).toBe('eni-a');
    expect(a.reconciler.status().targets[0]?.phase).toBe('converged');

    // Before each retry one fence read (a newer term would stop the claim), sent after the wait.
    const guards = claims
      .slice(1)
      .map((c, i) =>
        cloud
          .sent({ instanceId: 'i-a', method: 'readFences' })
          .filter(
            (r) => r.startedAtMs >= (claims[i]?.endedAtMs ?? NaN) && r.startedAtMs < c.startedAtMs,
          ),
      );
    expect(guards.map((g) => g.length)).toEqual(Array<number>(failures).fill(1));
    guards.forEach((g, i) => expect(g[0]?.endedAtMs).toBe(claims[i + 1]?.startedAtMs));
    // Each wait (to the guard's read) is the full-jitter draw for its retry (only the claim
    // retries draw before verify).
    const waitsMs = guards.map(
      (g, i) => (g[0]?.startedAtMs ?? NaN) - (claims[i]?.endedAtMs ?? NaN),
    );
    const expectedMs = waitsMs.map((_, i) => backoffDelayMs(backoff, i, a.timing.draws[i] ?? NaN));
    waitsMs.forEach((w, i) => expect(Math.abs(w - (expectedMs[i] ?? NaN))).toBeLessThanOrEqual(1));
    waitsMs.forEach((w, i) => {
      expect(w).toBeLessThanOrEqual(Math.min(backoff.maxMs, backoff.baseMs * 2 ** i) + 1);
      expect(w).toBeGreaterThanOrEqual(backoff.baseMs / 10 - 1);
    });
    // Jittered: not every wait sits at its ceiling. Growing: late waits exceed the early ceiling.
    expect(waitsMs.some((w, i) => w < 0.8 * Math.min(backoff.maxMs, backoff.baseMs * 2 ** i))).toBe(
      true,
    );
    expect(Math.max(...waitsMs.slice(5))).toBeGreaterThan(backoff.baseMs * 2 ** 2);

    const status = a.reconciler.status().targets[0];
    expect(status?.claims).toBe(1);
    expect(status?.lastError).toMatchObject({
      call: 'AssignPrivateIpAddresses',
      code: 'RequestLimitExceeded',
    });
    const failed = a.lines.filter((l) => l.event === 'cloud-call-failed');
    expect(failed).toHaveLength(failures);
    expect(failed.every((l) => l.level === 40 && l.step === 'claim')).toBe(true);

    // Converged: no more claims, however long the time passes.
    await vi.advanceTimersByTimeAsync(120_000);
    expect(cloud.sent({ method: 'claim' })).toHaveLength(failures + 1);
  });

  it('under permanent throttling the call rate stays bounded by the backoff ceiling', async () => {
    const cloud = new FakeCloud({ latencyMs: 10 });
    cloud.fail({ method: 'claim', error: throttled });
    const a = testAgent(cloud, 'a', { settings: { backoff: { baseMs: 100, maxMs: 2_000 } } });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(60_000);
    const claims = cloud.sent({ method: 'claim' }).length;
    // Mean wait at the cap is maxMs/2: about 60 calls a minute, never hundreds.
    expect(claims).toBeGreaterThan(20);
    expect(claims).toBeLessThan(120);
    expect(a.reconciler.status().targets[0]?.phase).toBe('claiming');
  });

  it('5xx on the read-back is retried and converges', async () => {
    const cloud = new FakeCloud();
    cloud.fail({ method: 'observe', times: 3, error: serverError });
    const a = testAgent(cloud, 'a');
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(5_000);
    expect(a.reconciler.status().targets[0]).toMatchObject({
      phase: 'converged',
      claims: 1,
      lastError: { call: 'DescribeNetworkInterfaces', code: 'InternalError' },
    });
    expect(cloud.sent({ method: 'observe' }).length).toBe(4);
  });
});

describe('non-retryable failures', () => {
  it('AuthFailure shows in status.lastError naming the call and is retried at the re-check interval', async () => {
    const cloud = new FakeCloud({ latencyMs: 10 });
    const rule = cloud.fail({ method: 'claim', error: authFailure });
    const a = testAgent(cloud, 'a', { settings: { recheckIntervalMs: 5_000 } });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(12_000);

    // Each retry: the claim's 10 ms, the 5 s interval, then a 10 ms fence read before the claim.
    const claims = cloud.sent({ method: 'claim' });
    expect(claims.map((c) => c.startedAtMs - T0)).toEqual([0, 5_020, 10_040]);
    const guards = cloud.sent({ method: 'readFences' }).map((c) => c.startedAtMs - T0);
    expect(guards).toEqual([5_010, 10_030]);
    const status = a.reconciler.status();
    expect(status.targets[0]?.phase).toBe('claiming');
    expect(status.targets[0]?.lastError).toEqual({
      call: 'AssignPrivateIpAddresses',
      code: 'AuthFailure',
      message: 'AWS was not able to validate the credentials.',
      atMs: T0 + 10_050,
    });
    expect(
      a.lines.filter((l) => l.event === 'cloud-call-failed').every((l) => l.level === 50),
    ).toBe(true);

    // An operator fixes the IAM policy: the next retry converges.
    rule.times = 0;
    await vi.advanceTimersByTimeAsync(6_000);
    expect(cloud.ownerOf(VIP)).toBe('eni-a');
    expect(a.reconciler.status().targets[0]?.phase).toBe('converged');
  });

  it('an unexpected error from the provider is reported with the step and retried', async () => {
    const cloud = new FakeCloud();
    cloud.fail({ method: 'readFences', times: 1, error: () => new Error('socket hang up') });
    const a = testAgent(cloud, 'a', { settings: { recheckIntervalMs: 5_000 } });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(6_000);
    expect(a.reconciler.status().targets[0]).toMatchObject({
      phase: 'converged',
      lastError: { call: 'readFences', code: 'UNEXPECTED', message: 'socket hang up' },
    });
  });
});

describe('read-back lag (eventual consistency)', () => {
  it('polls the read-back until the owner shows, without claiming again', async () => {
    const cloud = new FakeCloud({ latencyMs: 10, ownerReadLagMs: 3_000 });
    cloud.setOwner(VIP, 'eni-old');
    const a = testAgent(cloud, 'a', {
      settings: { verifyTimeoutMs: 10_000, verifyPollMaxMs: 1_000 },
    });
    await vi.advanceTimersByTimeAsync(5_000);
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(4_500);

    const target = a.reconciler.status().targets[0];
    expect(target?.phase).toBe('converged');
    expect(cloud.sent({ method: 'claim' })).toHaveLength(1);
    const accepted = target?.timeline?.acceptedAtMs ?? NaN;
    const confirmed = target?.timeline?.confirmedAtMs ?? NaN;
    expect(confirmed - accepted).toBeGreaterThanOrEqual(3_000);
    // Capped polling: it shows within one poll (plus a call) of the lag ending.
    expect(confirmed - accepted).toBeLessThanOrEqual(3_000 + 1_000 + 20);
    const polls = cloud.sent({ method: 'observe' }).length;
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(polls).toBeLessThanOrEqual(30);
  });

  it('claims again after verifyTimeoutMs when the read-back keeps naming another owner', async () => {
    const cloud = new FakeCloud({ latencyMs: 10, ownerReadLagMs: 25_000 });
    cloud.setOwner(VIP, 'eni-old');
    const a = testAgent(cloud, 'a', {
      settings: { verifyTimeoutMs: 10_000, verifyPollMaxMs: 1_000 },
    });
    await vi.advanceTimersByTimeAsync(30_000);
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(30_000);

    const claims = cloud.sent({ method: 'claim' }).map((c) => c.startedAtMs);
    expect(claims).toHaveLength(3);
    for (const [i, atMs] of claims.slice(1).entries()) {
      const gapMs = atMs - (claims[i] ?? NaN);
      expect(gapMs).toBeGreaterThanOrEqual(10_000);
      expect(gapMs).toBeLessThanOrEqual(10_000 + 1_000 + 50);
    }
    expect(a.lines.filter((l) => l.event === 'cloud-verify-timeout')).toHaveLength(2);
    expect(a.reconciler.status().targets[0]).toMatchObject({ phase: 'converged', claims: 3 });
  });
});
