// The seeded simulation in CI: a fixed range of seeds, every invariant checked after every step,
// VRRP's and, for the seeds with a simulated EC2, the cloud's (cloud-checks.ts).
// More seeds: npm run sim -- --seeds 20000 (bench/ and the CLI print seeds/s).
import { describe, expect, it } from 'vitest';
import { runSeed } from './run-seed.js';
import { describeFailure, describeSummary, runSeeds } from './seeds.js';

// The suite must stay under 15 minutes on 2 cores: 1,000 seeds take ~45 s here; bench:sim runs 20,000.
const CI_SEEDS = 1000;

describe('VRRP simulation', () => {
  it(`keeps every invariant over ${CI_SEEDS} seeds with 0-30 % loss, jitter, duplicates, corruption and partitions`, () => {
    const failures: string[] = [];
    const summary = runSeeds({
      firstSeed: 1,
      count: CI_SEEDS,
      maxLossRate: 0.3,
      onFailure: (result) => failures.push(describeFailure(result)),
    });
    console.log(describeSummary(summary));
    expect(failures.join('\n')).toBe('');
    // The runs must actually exercise the protocol, not idle.
    expect(summary.transitions).toBeGreaterThan(CI_SEEDS * 5);
    expect(summary.drops.get('bad-checksum') ?? 0).toBeGreaterThan(0);
    // The adversary ran: its own adverts were discarded by backups, its forged ones went unseen.
    expect(summary.adversaryAdverts).toBeGreaterThan(CI_SEEDS * 10);
    expect(summary.forgedAdverts).toBeGreaterThan(CI_SEEDS);
    expect(summary.drops.get('lower-priority') ?? 0).toBeGreaterThan(CI_SEEDS);
    // The cloud ran through the real reconciler machine: targets moved, and every invariant of
    // the cloud was evaluated, not just declared.
    expect(summary.cloudSeeds).toBeGreaterThan(CI_SEEDS / 3);
    expect(summary.ownerChanges).toBeGreaterThan(CI_SEEDS);
    for (const id of [
      'h-claim-only-as-master',
      'i-split-moves-once',
      'j-cloud-follows-master',
      'k-api-call-bound',
      'l-api-return',
    ]) {
      expect(summary.invariants.get(id)?.checked ?? 0, id).toBeGreaterThan(100);
    }
  }, 600_000);

  it('replays a seed exactly', () => {
    const a = runSeed({ seed: 4242, trace: true });
    const b = runSeed({ seed: 4242, trace: true });
    expect(a.trace.length).toBeGreaterThan(20);
    expect(b.trace).toEqual(a.trace);
  });

  // A checker that cannot fail proves nothing: break the routers on purpose and expect a catch.
  it.each([
    ['deaf', 'a-one-master'],
    ['ignore-release', 'd-shutdown-handover'],
    ['sticky-vips', 'e-vips-follow-state'],
    ['ignore-preempt', 'b-right-master'],
    ['deaf-bursts', 'c-no-flap'],
    ['no-group-cascade', 'f-group-together'],
    ['lower-preempts', 'g-backup-stays'],
  ] as const)('catches a defect: %s -> %s', (sabotage, invariant) => {
    const caught = new Set<string>();
    for (let seed = 1; seed <= 500 && !caught.has(invariant); seed++) {
      for (const v of runSeed({ seed, sabotage }).violations) caught.add(v.invariant);
    }
    expect([...caught]).toContain(invariant);
  });

  it.each([
    ['cloud-deaf', 'j-cloud-follows-master'],
    ['claim-as-backup', 'h-claim-only-as-master'],
    ['blind-fences', 'i-split-moves-once'],
    ['busy-recheck', 'k-api-call-bound'],
    ['lost-timeouts', 'l-api-return'],
  ] as const)('catches a cloud defect: %s -> %s', (cloudSabotage, invariant) => {
    const caught = new Set<string>();
    for (let seed = 1; seed <= 500 && !caught.has(invariant); seed++) {
      for (const v of runSeed({ seed, cloudSabotage }).violations) caught.add(v.invariant);
    }
    expect([...caught]).toContain(invariant);
  });
});
