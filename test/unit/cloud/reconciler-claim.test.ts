// The reconciler's basic life: MASTER claims, verifies and re-checks; BACKUP never claims; a
// MASTER decision made before discovery waits for it. Fake timers over the in-memory cloud.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeCloud,
  VIP,
  advanceUntil,
  metricValue,
  testAgent,
  throttled,
  type CallLogEntry,
} from './fake-cloud.js';

const T0 = 1_750_000_000_000;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Reconciler as MASTER', () => {
  it('claims, writes its fence record, verifies by reading back and converges, with an ordered timeline', async () => {
    const cloud = new FakeCloud({ latencyMs: 40 });
    cloud.setOwner(VIP, 'eni-old');
    const a = testAgent(cloud, 'a');
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);

    expect(cloud.ownerOf(VIP)).toBe('eni-a');
    const status = a.reconciler.status();
    expect(status).toMatchObject({ role: 'master', ready: true, fenced: false });
    const target = status.targets[0];
    expect(target).toMatchObject({
      name: 'secondary-ip:10.0.1.50',
      phase: 'converged',
      claims: 1,
      observedOwner: 'eni-a',
      fencedBy: undefined,
      lastError: undefined,
    });
    expect(target?.term).toBeGreaterThanOrEqual(T0);
    expect(cloud.fenceRecords(VIP)).toEqual([
      { term: target?.term, owner: 'i-a', beat: 0, released: false },
    ]);

    const timeline = target?.timeline;
    expect(timeline).toMatchObject({
      trigger: 'became-master',
      term: target?.term,
      startedAtMs: T0,
    });
    const {
      startedAtMs,
      firstRequestAtMs = NaN,
      acceptedAtMs = NaN,
      confirmedAtMs = NaN,
    } = timeline ?? { startedAtMs: NaN };
    expect(firstRequestAtMs).toBeGreaterThanOrEqual(startedAtMs);
    // The claim takes one call's latency; the read-back one more.
    expect(acceptedAtMs - firstRequestAtMs).toBeGreaterThanOrEqual(40);
    expect(confirmedAtMs - acceptedAtMs).toBeGreaterThanOrEqual(40);
    // Both read-back calls go out together: one round trip, not two.
    expect(confirmedAtMs - startedAtMs).toBeLessThan(3 * 40 + 5);

    const mine = cloud.sent({ instanceId: 'i-a' }).map((c) => c.method);
    expect(mine.sort()).toEqual(['claim', 'observe', 'readFences', 'writeFence']);

    const events = a.lines.map((l) => l.event).filter((e) => e !== undefined);
    expect(events).toEqual(['cloud-claim', 'cloud-claim-accepted', 'cloud-confirmed']);

    const labels = { instance: 'vi1', target: 'secondary-ip:10.0.1.50' };
    expect(
      await metricValue(a.registry, 'floatd_cloud_claims_total', { ...labels, result: 'accepted' }),
    ).toBe(1);
    expect(await metricValue(a.registry, 'floatd_cloud_converged', labels)).toBe(1);
    expect(await metricValue(a.registry, 'floatd_cloud_fenced', labels)).toBe(0);
    const stages = await metricValue(a.registry, 'floatd_cloud_failover_duration_seconds', {
      stage: 'confirmed',
    });
    expect(stages).toBeDefined();
  });

  it('re-checks at the interval, renewing its heartbeat, and never claims again while it owns the target', async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a', { settings: { recheckIntervalMs: 5_000 } });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(60_000);

    expect(cloud.sent({ instanceId: 'i-a', method: 'claim' })).toHaveLength(1);
    const beats = cloud
      .succeeded({ instanceId: 'i-a', method: 'writeFence' })
      .map((c) => c.record?.beat);
    // One record at the takeover (beat 0), then one renewal per ~5 s re-check.
    expect(beats.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(beats.length).toBeGreaterThanOrEqual(11);
    expect(beats.length).toBeLessThanOrEqual(13);
    const terms = new Set(
      cloud.succeeded({ instanceId: 'i-a', method: 'writeFence' }).map((c) => c.record?.term),
    );
    expect(terms.size).toBe(1);
    expect(a.reconciler.status().targets[0]?.phase).toBe('converged');
  });

  it('claims every target on its own', async () => {
    const cloud = new FakeCloud();
    const eip = { kind: 'elastic-ip', allocationId: 'eipalloc-1', privateIp: '10.0.1.50' } as const;
    const a = testAgent(cloud, 'a', { targets: [VIP, eip] });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(cloud.ownerOf(VIP)).toBe('eni-a');
    expect(cloud.ownerOf(eip)).toBe('eni-a');
    expect(a.reconciler.status().targets.map((t) => t.phase)).toEqual(['converged', 'converged']);
  });
});

describe('Reconciler before discovery', () => {
  it('a MASTER decision made before setProvider waits for it, then claims (timeline from the decision)', async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a', { ready: false });
    a.reconciler.becomeMaster(Date.now());
    expect(a.reconciler.status()).toMatchObject({ role: 'master', ready: false });
    expect(a.reconciler.status().targets[0]?.phase).toBe('waiting-for-cloud');

    await vi.advanceTimersByTimeAsync(30_000);
    expect(cloud.calls).toHaveLength(0);

    a.reconciler.setProvider(a.provider);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(cloud.ownerOf(VIP)).toBe('eni-a');
    const target = a.reconciler.status().targets[0];
    expect(target?.phase).toBe('converged');
    expect(target?.timeline?.startedAtMs).toBe(T0);
    expect(target?.timeline?.firstRequestAtMs).toBeGreaterThanOrEqual(T0 + 30_000);
  });

  it('a MASTER that stepped down before discovery finished never claims', async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a', { ready: false });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    await a.reconciler.becomeBackup();
    a.reconciler.setProvider(a.provider);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(cloud.calls).toHaveLength(0);
    expect(a.reconciler.status().targets[0]?.phase).toBe('idle');
  });
});

describe('Reconciler as BACKUP', () => {
  it('never calls the cloud while BACKUP', async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a');
    await a.reconciler.becomeBackup();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(cloud.calls).toHaveLength(0);
    expect(a.reconciler.status()).toMatchObject({ role: 'backup', fenced: false });
  });

  it('after becomeBackup returns, its only call is one write marking its record released: never a claim', async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a');
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(12_000);
    expect(a.reconciler.status().targets[0]?.phase).toBe('converged');
    const lastBeat = cloud.succeeded({ method: 'writeFence' }).at(-1)?.record;
    await a.reconciler.becomeBackup();
    const stoppedAtMs = Date.now();
    await vi.advanceTimersByTimeAsync(300_000);
    const after = cloud.sent({ sinceMs: stoppedAtMs });
    expect(after.map((c) => [c.method, c.outcome])).toEqual([['writeFence', 'ok']]);
    expect(after[0]?.record).toEqual({
      term: a.reconciler.status().targets[0]?.term,
      owner: 'i-a',
      beat: (lastBeat?.beat ?? NaN) + 1,
      released: true,
    });
    expect(a.reconciler.status().targets[0]?.phase).toBe('idle');
  });

  it('aborts an in-flight claim: the owner does not move and nothing follows', async () => {
    const cloud = new FakeCloud({ latencyByMethodMs: { claim: 500 } });
    cloud.setOwner(VIP, 'eni-old');
    const a = testAgent(cloud, 'a');
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(100);
    await a.reconciler.becomeBackup();
    await vi.advanceTimersByTimeAsync(60_000);
    const claims = cloud.sent({ method: 'claim' });
    expect(claims.map((c) => c.outcome)).toEqual(['aborted']);
    expect(cloud.ownerOf(VIP)).toBe('eni-old');
    expect(a.reconciler.status().targets[0]?.claims).toBe(0);
  });

  it('becomeMaster immediately followed by becomeBackup: only the claim sent at the decision, aborted; target idle', async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a');
    // With the provider known, the claim leaves in the very turn of the MASTER decision.
    a.reconciler.becomeMaster(Date.now());
    const stopped = a.reconciler.becomeBackup();
    await vi.advanceTimersByTimeAsync(30_000);
    await stopped;
    expect(cloud.calls.map((c) => [c.method, c.outcome])).toEqual([['claim', 'aborted']]);
    expect(cloud.ownerHistory(VIP)).toEqual([]);
    const target = a.reconciler.status().targets[0];
    expect(target?.phase).toBe('idle');
  });

  it('becomeBackup resolves only once no call of the old term is in flight', async () => {
    // The claim is on the wire (it ignores the abort); its sibling fence write is backing off.
    const cloud = new FakeCloud({ latencyByMethodMs: { claim: 800 } });
    cloud.ignoresAbort.add('claim');
    cloud.fail({ method: 'writeFence', error: throttled });
    const a = testAgent(cloud, 'a');
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(100);
    let resolvedAtMs: number | undefined;
    void a.reconciler.becomeBackup().then(() => (resolvedAtMs = Date.now()));
    await vi.advanceTimersByTimeAsync(2_000);
    const claim = cloud.sent({ method: 'claim' })[0];
    expect(claim?.endedAtMs).toBe(T0 + 800);
    expect(resolvedAtMs).toBeGreaterThanOrEqual(T0 + 800);
    // The claim that landed after the decision to step down is not counted as ours.
    expect(a.reconciler.status().targets[0]).toMatchObject({ phase: 'idle', claims: 0 });
    expect(await metricValue(a.registry, 'floatd_cloud_claims_total', {})).toBeUndefined();
  });

  it('after a flap, becomeBackup also waits for the cancelled run’s call still in flight', async () => {
    const cloud = new FakeCloud({ latencyByMethodMs: { observe: 800 } });
    cloud.ignoresAbort.add('observe');
    const a = testAgent(cloud, 'a', { settings: { recheckIntervalMs: 5_000 } });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    const stale = (): CallLogEntry | undefined => cloud.sent({ method: 'observe' }).at(-1);
    await advanceUntil(() => stale()?.outcome === 'pending');
    const staleCall = stale();

    // Flap; the new run is backing off (throttled) when it is stopped in turn.
    cloud.fail({ method: 'claim', error: throttled });
    void a.reconciler.becomeBackup();
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(50);
    let resolvedAtMs: number | undefined;
    void a.reconciler.becomeBackup().then(() => (resolvedAtMs = Date.now()));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(staleCall?.outcome).toBe('ok');
    expect(resolvedAtMs).toBeGreaterThanOrEqual(staleCall?.endedAtMs ?? Infinity);
    expect(a.reconciler.status().targets[0]?.phase).toBe('idle');
  });

  it('a read-back in flight when the role flaps does not leak into the status or the new timeline', async () => {
    const cloud = new FakeCloud({ latencyByMethodMs: { observe: 300, claim: 400 } });
    cloud.ignoresAbort.add('observe');
    const a = testAgent(cloud, 'a', { settings: { recheckIntervalMs: 5_000 } });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.reconciler.status().targets[0]?.phase).toBe('converged');
    // Into the next re-check, whose read-back is in flight.
    const observing = (): boolean =>
      cloud.sent({ method: 'observe' }).at(-1)?.outcome === 'pending';
    await advanceUntil(observing);

    // VRRP flaps: BACKUP, then MASTER again at once.
    void a.reconciler.becomeBackup();
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(2_000);
    const timeline = a.reconciler.status().targets[0]?.timeline;
    expect(timeline?.trigger).toBe('became-master');
    expect(timeline?.acceptedAtMs).toBeDefined();
    expect(timeline?.confirmedAtMs).toBeGreaterThanOrEqual(timeline?.acceptedAtMs ?? Infinity);

    // And a BACKUP whose stale read-back lands after stepping down does not say 'converged'.
    await vi.advanceTimersByTimeAsync(1_000);
    await advanceUntil(observing);
    const stop = a.reconciler.becomeBackup();
    await vi.advanceTimersByTimeAsync(1_000);
    await stop;
    expect(a.reconciler.status().targets[0]?.phase).toBe('idle');
    const labels = { instance: 'vi1', target: 'secondary-ip:10.0.1.50' };
    expect(await metricValue(a.registry, 'floatd_cloud_converged', labels)).toBe(0);
  });
});
