// Split brain and fencing: two MASTERs that cannot hear each other but both reach the API move the
// address once; the older term stops claiming until VRRP settles, the holder releases, or the
// holder's beat stops for fenceLeaseMs. Drift without a newer record is taken back.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FakeCloud,
  VIP,
  advanceUntil,
  metricValue,
  testAgent,
  throttled,
  type TestAgent,
} from './fake-cloud.js';

const T0 = 1_750_000_000_000;
const LABELS = { instance: 'vi1', target: 'secondary-ip:10.0.1.50' };
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
const claimsBy = (cloud: FakeCloud, agent: TestAgent, sinceMs?: number) =>
  cloud.sent({
    instanceId: agent.provider.identity.instanceId,
    method: 'claim',
    ...(sinceMs === undefined ? {} : { sinceMs }),
  });

/** A MASTER and converged, then B becomes MASTER too (they cannot hear each other). */
async function splitBrain(
  cloud: FakeCloud,
): Promise<{ a: TestAgent; b: TestAgent; bAtMs: number }> {
  const a = testAgent(cloud, 'a', { settings: SETTINGS });
  const b = testAgent(cloud, 'b', { settings: SETTINGS });
  a.reconciler.becomeMaster(Date.now());
  await vi.advanceTimersByTimeAsync(7_000);
  expect(target(a)?.phase).toBe('converged');
  const bAtMs = Date.now();
  b.reconciler.becomeMaster(bAtMs);
  await vi.advanceTimersByTimeAsync(20_000);
  return { a, b, bAtMs };
}

describe('split brain', () => {
  it('moves the owner to the newer MASTER exactly once; the older one reports fenced and stops claiming', async () => {
    const cloud = new FakeCloud();
    const { a, b, bAtMs } = await splitBrain(cloud);

    expect(cloud.ownerOf(VIP)).toBe('eni-b');
    expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-a', 'eni-b']);
    const bTerm = target(b)?.term ?? NaN;
    expect(bTerm).toBeGreaterThan(target(a)?.term ?? Infinity);
    expect(target(b)?.phase).toBe('converged');
    expect(a.reconciler.status().fenced).toBe(true);
    expect(target(a)).toMatchObject({ phase: 'fenced', fencedBy: { owner: 'i-b', term: bTerm } });
    expect(a.lines.filter((l) => l.event === 'cloud-fenced')).toHaveLength(1);
    expect(await metricValue(a.registry, 'floatd_cloud_fenced', LABELS)).toBe(1);
    expect(await metricValue(a.registry, 'floatd_cloud_converged', LABELS)).toBe(0);
    expect(await metricValue(b.registry, 'floatd_cloud_fenced', LABELS)).toBe(0);

    // B keeps renewing its beat: A stays fenced and never claims, however long the split lasts.
    await vi.advanceTimersByTimeAsync(120_000);
    expect(claimsBy(cloud, a, bAtMs)).toEqual([]);
    expect(target(a)?.phase).toBe('fenced');
    expect(cloud.ownerHistory(VIP)).toHaveLength(2);
  });

  it('A takes over with a higher term when VRRP settles in its favour (peerYielded after B steps down)', async () => {
    const cloud = new FakeCloud();
    const { a, b } = await splitBrain(cloud);
    const bTerm = target(b)?.term ?? NaN;

    await b.reconciler.becomeBackup();
    const yieldAtMs = Date.now();
    a.reconciler.peerYielded(yieldAtMs);
    await vi.advanceTimersByTimeAsync(1_000);

    expect(cloud.ownerOf(VIP)).toBe('eni-a');
    expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-a', 'eni-b', 'eni-a']);
    expect(a.reconciler.status().fenced).toBe(false);
    const t = target(a);
    expect(t).toMatchObject({ phase: 'converged', fencedBy: undefined });
    expect(t?.term).toBeGreaterThan(bTerm);
    expect(t?.timeline).toMatchObject({ trigger: 'peer-yielded', startedAtMs: yieldAtMs });
    expect(await metricValue(a.registry, 'floatd_cloud_fenced', LABELS)).toBe(0);
    expect(await metricValue(a.registry, 'floatd_cloud_converged', LABELS)).toBe(1);
    // The new record outranks B's, so B (if it became MASTER again) would start above it.
    const records = cloud.fenceRecords(VIP);
    expect(Math.max(...records.map((r) => r.term))).toBe(t?.term);
  });

  it('peerYielded heard before the fence was read still lets A take the target back promptly', async () => {
    // B took over and stepped down again inside one of A's re-check intervals.
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    const b = testAgent(cloud, 'b', { settings: SETTINGS });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    b.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(500);
    expect(cloud.ownerOf(VIP)).toBe('eni-b');
    expect(target(a)?.phase).toBe('converged');
    await b.reconciler.becomeBackup();
    const yieldAtMs = Date.now();
    a.reconciler.peerYielded(yieldAtMs);

    await advanceUntil(() => cloud.ownerOf(VIP) === 'eni-a', { maxMs: 60_000 });
    // Within a re-check (plus a drift confirmation), not a whole fence lease.
    expect(Date.now() - yieldAtMs).toBeLessThan(SETTINGS.recheckIntervalMs + 2_000 + 100);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(target(a)).toMatchObject({ phase: 'converged' });
    expect(target(a)?.term).toBeGreaterThan(target(b)?.term ?? Infinity);
    expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-a', 'eni-b', 'eni-a']);
  });

  it('a term taken after VRRP settled still fences: a later split brain moves the owner once more, only', async () => {
    const cloud = new FakeCloud();
    const { a, b } = await splitBrain(cloud);
    await b.reconciler.becomeBackup();
    a.reconciler.peerYielded(Date.now());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(cloud.ownerOf(VIP)).toBe('eni-a');

    // Partitioned again: B becomes MASTER with a newer term than the settlement.
    const againAtMs = Date.now();
    b.reconciler.becomeMaster(againAtMs);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(cloud.ownerOf(VIP)).toBe('eni-b');
    expect(target(a)).toMatchObject({ phase: 'fenced', fencedBy: { owner: 'i-b' } });
    expect(claimsBy(cloud, a, againAtMs)).toEqual([]);
    expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual([
      'eni-a',
      'eni-b',
      'eni-a',
      'eni-b',
    ]);
  });

  it('peerYielded is a no-op for a MASTER that is not fenced, and for a BACKUP', async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    a.reconciler.peerYielded(Date.now());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(cloud.calls).toHaveLength(0);
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    a.reconciler.peerYielded(Date.now());
    await vi.advanceTimersByTimeAsync(30_000);
    expect(claimsBy(cloud, a)).toHaveLength(1);
    expect(target(a)?.timeline?.trigger).toBe('became-master');
  });

  it('two MASTERs claiming at the same moment settle on the higher term and then stay put', async () => {
    const cloud = new FakeCloud({ latencyByMethodMs: { claim: 30 } });
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    const b = testAgent(cloud, 'b', { settings: SETTINGS });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(1);
    b.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(30_000);
    const movesMs = cloud.ownerHistory(VIP).length;

    const [winner, loser] = (target(a)?.term ?? 0) > (target(b)?.term ?? 0) ? [a, b] : [b, a];
    expect(cloud.ownerOf(VIP)).toBe(winner.provider.identity.networkInterfaceId);
    expect(target(winner)?.phase).toBe('converged');
    expect(target(loser)?.phase).toBe('fenced');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(cloud.ownerHistory(VIP)).toHaveLength(movesMs);
    expect(movesMs).toBeLessThanOrEqual(3);
  });
});

describe('split brain under throttling (bounded, not single-move: see the report)', () => {
  // The takeover sends the claim and the fence record together, and the loser re-claims drift
  // after driftConfirmMs: a record delayed past that, or an older term's retried claim landing
  // last, costs extra moves. These pin down that it stays bounded and settles on the holder.
  it("the new MASTER's fence record delayed past driftConfirmMs: settles on it and stays", async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    const b = testAgent(cloud, 'b', { settings: SETTINGS });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(4_000);
    cloud.fail({ method: 'writeFence', instanceId: 'i-b', times: 6, error: throttled });
    b.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(60_000);
    const moves = cloud.ownerHistory(VIP).length;
    expect(cloud.ownerOf(VIP)).toBe('eni-b');
    expect(target(a)?.phase).toBe('fenced');
    expect(moves).toBeLessThanOrEqual(4);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(cloud.ownerHistory(VIP)).toHaveLength(moves);
  });

  it("an older term's retried claim landing last: settles on the newer term and stays", async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    const b = testAgent(cloud, 'b', { settings: SETTINGS });
    cloud.fail({ method: 'claim', instanceId: 'i-a', times: 1, error: throttled });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(2);
    b.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(60_000);
    const moves = cloud.ownerHistory(VIP).length;
    expect(cloud.ownerOf(VIP)).toBe('eni-b');
    expect(target(a)?.phase).toBe('fenced');
    expect(moves).toBeLessThanOrEqual(3);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(cloud.ownerHistory(VIP)).toHaveLength(moves);
  });
});

describe('fence lease', () => {
  it("takes over after the holder's beat stops for fenceLeaseMs, and not before", async () => {
    const cloud = new FakeCloud();
    const { a, b } = await splitBrain(cloud);
    const bTerm = target(b)?.term ?? NaN;
    await b.reconciler.stop();
    const lastBeatMs = Math.max(
      ...cloud.succeeded({ instanceId: 'i-b', method: 'writeFence' }).map((c) => c.endedAtMs ?? 0),
    );
    const claimsBefore = claimsBy(cloud, a).length;

    await advanceUntil(() => claimsBy(cloud, a).length > claimsBefore, { maxMs: 60_000 });
    const takeoverMs = claimsBy(cloud, a).at(-1)?.startedAtMs ?? NaN;
    expect(takeoverMs - lastBeatMs).toBeGreaterThanOrEqual(SETTINGS.fenceLeaseMs);
    // Noticed within a couple of re-check intervals of the lease running out.
    expect(takeoverMs - lastBeatMs).toBeLessThanOrEqual(
      SETTINGS.fenceLeaseMs + 2 * SETTINGS.recheckIntervalMs + 100,
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(cloud.ownerOf(VIP)).toBe('eni-a');
    expect(target(a)).toMatchObject({ phase: 'converged', fencedBy: undefined });
    expect(target(a)?.timeline?.trigger).toBe('fence-expired');
    expect(target(a)?.term).toBeGreaterThan(bTerm);
    expect(a.lines.filter((l) => l.event === 'cloud-fence-expired')).toHaveLength(1);
  });

  it('takes over at the next re-check when the holder writes a released record', async () => {
    const cloud = new FakeCloud();
    const { a, b } = await splitBrain(cloud);
    await b.reconciler.stop();
    const bTerm = target(b)?.term ?? NaN;
    // (Nothing in floatd writes a released record yet: B's would-be release, by hand.)
    const written = b.provider.writeFence(VIP, {
      term: bTerm,
      owner: 'i-b',
      beat: 99,
      released: true,
    });
    await vi.advanceTimersByTimeAsync(10);
    await written;
    const releasedAtMs = Date.now();

    await advanceUntil(() => cloud.ownerOf(VIP) === 'eni-a', { maxMs: 60_000 });
    expect(Date.now() - releasedAtMs).toBeLessThanOrEqual(SETTINGS.recheckIntervalMs + 100);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(target(a)?.timeline?.trigger).toBe('fence-lifted');
    expect(target(a)?.term).toBeGreaterThan(bTerm);
  });

  it('a holder whose beat keeps moving, however slowly within the lease, keeps the fence', async () => {
    const cloud = new FakeCloud();
    // B's renewals are throttled a while: gaps up to a few seconds, still inside the lease.
    const { a } = await splitBrain(cloud);
    cloud.fail({ method: 'writeFence', instanceId: 'i-b', times: 4, error: throttled });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(target(a)?.phase).toBe('fenced');
    expect(cloud.ownerOf(VIP)).toBe('eni-b');
    expect(cloud.ownerHistory(VIP)).toHaveLength(2);
  });
});

describe('drift', () => {
  it('re-claims a target moved outside floatd (no newer record) after driftConfirmMs', async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(6_000);
    cloud.setOwner(VIP, 'eni-operator');
    const movedAtMs = Date.now();

    await advanceUntil(() => claimsBy(cloud, a).length === 2, { maxMs: 30_000 });
    const drift = a.lines.find((l) => l.event === 'cloud-drift');
    expect(drift).toMatchObject({ observedOwner: 'eni-operator' });
    const driftAtMs = Number(drift?.time);
    const reclaimAtMs = claimsBy(cloud, a).at(-1)?.startedAtMs ?? NaN;
    expect(driftAtMs).toBeGreaterThanOrEqual(movedAtMs);
    expect(reclaimAtMs - driftAtMs).toBeGreaterThanOrEqual(SETTINGS.driftConfirmMs);
    expect(reclaimAtMs - driftAtMs).toBeLessThanOrEqual(SETTINGS.driftConfirmMs + 50);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(cloud.ownerOf(VIP)).toBe('eni-a');
    expect(target(a)?.phase).toBe('converged');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(claimsBy(cloud, a)).toHaveLength(2);
  });

  it("a competitor's record that shows up late (tag read lag) fences instead of a re-claim", async () => {
    const cloud = new FakeCloud({ fenceReadLagMs: 1_500 });
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    const b = testAgent(cloud, 'b', { settings: SETTINGS });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    // B takes over just before A's next re-check, so A reads the fences before B's shows.
    const aReads = () => cloud.sent({ instanceId: 'i-a', method: 'readFences' });
    const nextRecheckMs = (aReads().at(-1)?.startedAtMs ?? NaN) + SETTINGS.recheckIntervalMs;
    await vi.advanceTimersByTimeAsync(nextRecheckMs - 500 - Date.now());
    b.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(20_000);

    expect(a.lines.some((l) => l.event === 'cloud-drift')).toBe(true);
    expect(target(a)?.phase).toBe('fenced');
    expect(claimsBy(cloud, a)).toHaveLength(1);
    expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-a', 'eni-b']);
  });
});

describe('metrics', () => {
  it('count claims and show fenced = 1 only while fenced', async () => {
    const cloud = new FakeCloud();
    const { a, b } = await splitBrain(cloud);
    const claims = (agent: TestAgent) =>
      metricValue(agent.registry, 'floatd_cloud_claims_total', { ...LABELS, result: 'accepted' });
    expect(await claims(a)).toBe(1);
    expect(await claims(b)).toBe(1);
    expect(await metricValue(a.registry, 'floatd_cloud_fenced', LABELS)).toBe(1);

    await b.reconciler.becomeBackup();
    a.reconciler.peerYielded(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await claims(a)).toBe(2);
    expect(await metricValue(a.registry, 'floatd_cloud_fenced', LABELS)).toBe(0);
    expect(await metricValue(a.registry, 'floatd_cloud_converged', LABELS)).toBe(1);
    expect(await metricValue(b.registry, 'floatd_cloud_converged', LABELS)).toBe(0);

    // A fenced MASTER that steps down is no longer fenced either.
    b.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await metricValue(a.registry, 'floatd_cloud_fenced', LABELS)).toBe(1);
    await a.reconciler.becomeBackup();
    expect(await metricValue(a.registry, 'floatd_cloud_fenced', LABELS)).toBe(0);
    expect(a.reconciler.status()).toMatchObject({ role: 'backup', fenced: false });
  });
});
