// Many seeds in a row, with the totals the CLI and the CI test print.
import type { SeedResult } from './run-seed.js';
import { replayCommand, runSeed } from './run-seed.js';

export interface BatchOptions {
  readonly firstSeed: number;
  readonly count: number;
  readonly maxLossRate?: number;
  /** Called for each seed that violated an invariant. */
  readonly onFailure?: (result: SeedResult) => void;
}

export interface BatchSummary {
  readonly seeds: number;
  readonly failedSeeds: readonly number[];
  readonly violations: number;
  readonly steps: number;
  readonly transitions: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly drops: ReadonlyMap<string, number>;
  /** Adverts sent by the seeds' adversaries (issue 10), and how many of them were forged. */
  readonly adversaryAdverts: number;
  readonly forgedAdverts: number;
  /** Per invariant: how often it was evaluated, and how often it failed. */
  readonly invariants: ReadonlyMap<string, { checked: number; violated: number }>;
  /** Seeds with a simulated EC2, and the target owner changes they saw. */
  readonly cloudSeeds: number;
  readonly ownerChanges: number;
}

export function runSeeds(options: BatchOptions): BatchSummary {
  const started = performance.now();
  const failedSeeds: number[] = [];
  const drops = new Map<string, number>();
  let violations = 0;
  let steps = 0;
  let transitions = 0;
  let simulatedMs = 0;
  let adversaryAdverts = 0;
  let forgedAdverts = 0;
  let cloudSeeds = 0;
  let ownerChanges = 0;
  const invariants = new Map<string, { checked: number; violated: number }>();
  const entry = (id: string): { checked: number; violated: number } => {
    let e = invariants.get(id);
    if (e === undefined) {
      e = { checked: 0, violated: 0 };
      invariants.set(id, e);
    }
    return e;
  };
  for (let seed = options.firstSeed; seed < options.firstSeed + options.count; seed++) {
    const result = runSeed({ seed, maxLossRate: options.maxLossRate });
    steps += result.steps;
    transitions += result.transitions;
    simulatedMs += result.simulatedMs;
    adversaryAdverts += result.adversary.sent;
    forgedAdverts += result.adversary.forged;
    for (const [reason, n] of result.drops) drops.set(reason, (drops.get(reason) ?? 0) + n);
    for (const [id, n] of result.checked) entry(id).checked += n;
    for (const v of result.violations) entry(v.invariant).violated++;
    if (result.cloud.enabled) cloudSeeds++;
    ownerChanges += result.cloud.ownerChanges;
    if (result.violations.length > 0) {
      failedSeeds.push(seed);
      violations += result.violations.length;
      options.onFailure?.(result);
    }
  }
  return {
    seeds: options.count,
    failedSeeds,
    violations,
    steps,
    transitions,
    simulatedMs,
    wallMs: performance.now() - started,
    drops,
    adversaryAdverts,
    forgedAdverts,
    invariants,
    cloudSeeds,
    ownerChanges,
  };
}

export function describeFailure(result: SeedResult): string {
  const lines = result.violations.map(
    (v) => `seed ${result.seed} at ${v.atMs.toFixed(3)} ms: ${v.invariant}: ${v.message}`,
  );
  lines.push(`  replay: ${replayCommand(result.seed)}`);
  return lines.join('\n');
}

export function describeSummary(s: BatchSummary): string {
  const wallS = s.wallMs / 1000;
  const dropText = [...s.drops].map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
  return [
    `seeds: ${s.seeds}  violations: ${s.violations} in ${s.failedSeeds.length} seeds`,
    `steps: ${s.steps}  transitions: ${s.transitions}  simulated: ${(s.simulatedMs / 3_600_000).toFixed(2)} h`,
    `drops by reason: ${dropText}`,
    `adversary adverts: ${s.adversaryAdverts} (${s.forgedAdverts} forged)`,
    `cloud: ${s.cloudSeeds} seeds with a simulated EC2, ${s.ownerChanges} target owner changes`,
    'invariants (checked / violated):',
    ...[...s.invariants]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([id, e]) =>
          `  ${id.padEnd(26)} ${String(e.checked).padStart(12)} ${String(e.violated).padStart(6)}`,
      ),
    `total time: ${wallS.toFixed(2)} s  seeds/s: ${(s.seeds / wallS).toFixed(0)}`,
  ].join('\n');
}
