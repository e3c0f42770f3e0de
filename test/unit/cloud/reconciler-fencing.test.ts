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
  whileAdvancing,
  type TestAgent,
} from './fake-cloud.js';
import { fenceHolder } from '../../../src/cloud/reconcile/fencing.js';

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
    // B's step-down released its record, so A never sees a live newer term: it takes the target
    // back as drift, within a re-check plus a drift confirmation, not a whole fence lease.
    expect(Date.now() - yieldAtMs).toBeLessThan(
      SETTINGS.recheckIntervalMs + SETTINGS.driftConfirmMs + 100,
    );
    await vi.advanceTimersByTimeAsync(30_000);
    expect(target(a)).toMatchObject({ phase: 'converged' });
    expect(a.lines.some((l) => l.event === 'cloud-fenced')).toBe(false);
    // A's (older) term holds again: B's newer one is released and fences nobody.
    const records = cloud.fenceRecords(VIP);
    expect(records.find((r) => r.owner === 'i-b')).toMatchObject({
      term: target(b)?.term,
      released: true,
    });
    expect(fenceHolder(records)).toMatchObject({ owner: 'i-a', term: target(a)?.term });
    expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-a', 'eni-b', 'eni-a']);
  });

  it('peerYielded heard before the fence was read, B could not release: A takes back with a newer term', async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    const b = testAgent(cloud, 'b', { settings: SETTINGS });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    b.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(500);
    cloud.fail({ method: 'writeFence', instanceId: 'i-b', error: throttled });
    await b.reconciler.becomeBackup();
    const yieldAtMs = Date.now();
    a.reconciler.peerYielded(yieldAtMs);

    await advanceUntil(() => cloud.ownerOf(VIP) === 'eni-a', { maxMs: 60_000 });
    // At A's next re-check: B's term predates the settlement, so no drift confirmation.
    expect(Date.now() - yieldAtMs).toBeLessThan(SETTINGS.recheckIntervalMs + 100);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(target(a)).toMatchObject({ phase: 'converged' });
    expect(target(a)?.timeline?.trigger).toBe('peer-yielded');
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

describe('split brain under throttling', () => {
  // The takeover sends the claim and the fence record together, and the loser re-claims drift
  // after driftConfirmMs: a record delayed past that costs extra moves (bounded, settles on the
  // holder). A claim retry reads the fences first, so an older term's retry never lands last.
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

  it("an older term's throttled claim is not retried once the newer term shows: one move", async () => {
    const cloud = new FakeCloud();
    const a = testAgent(cloud, 'a', { settings: SETTINGS });
    const b = testAgent(cloud, 'b', { settings: SETTINGS });
    cloud.fail({ method: 'claim', instanceId: 'i-a', times: 1, error: throttled });
    a.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(2);
    b.reconciler.becomeMaster(Date.now());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-b']);
    expect(claimsBy(cloud, a).map((c) => c.outcome)).toEqual(['error']);
    expect(target(a)).toMatchObject({ phase: 'fenced', claims: 0, fencedBy: { owner: 'i-b' } });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(claimsBy(cloud, a)).toHaveLength(1);
    expect(cloud.ownerHistory(VIP)).toHaveLength(1);
  });
});

describe('fence lease', () => {
  it("takes over after the holder's beat stops for fenceLeaseMs (its release failed), and not before", async () => {
    const cloud = new FakeCloud();
    const { a, b } = await splitBrain(cloud);
    const bTerm = target(b)?.term ?? NaN;
    // B stops, but the API refuses its release (one attempt, best effort): its record stays live.
    cloud.fail({ method: 'writeFence', instanceId: 'i-b', error: throttled });
    await whileAdvancing(b.reconciler.stop());
    const releases = cloud
      .sent({ instanceId: 'i-b', method: 'writeFence' })
      .filter((c) => c.record?.released === true);
    expect(releases.map((c) => c.outcome)).toEqual(['error']);
    expect(b.lines.filter((l) => l.event === 'cloud-term-release-failed')).toHaveLength(1);
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

  it('takes over at the next re-check when the holder stops and releases its record', async () => {
    const cloud = new FakeCloud();
    const { a, b } = await splitBrain(cloud);
    const bTerm = target(b)?.term ?? NaN;
    const lastBeat = cloud.succeeded({ instanceId: 'i-b', method: 'writeFence' }).at(-1)?.record;
    await whileAdvancing(b.reconciler.stop());
    const stoppedAtMs = Date.now();
    const release = cloud.sent({ instanceId: 'i-b', method: 'writeFence' }).at(-1);
    expect(release?.record).toEqual({
      term: bTerm,
      owner: 'i-b',
      beat: (lastBeat?.beat ?? NaN) + 1,
      released: true,
    });
    // Reconciler.stop() resolves once the release is out.
    expect(release?.outcome).toBe('ok');
    expect(stoppedAtMs).toBeGreaterThanOrEqual(release?.endedAtMs ?? Infinity);
    const releasedAtMs = release?.endedAtMs ?? NaN;

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
