// npm run sim -- [--seed N [--trace]] [--seeds COUNT] [--first-seed N] [--max-loss 0.3]
import { parseArgs } from 'node:util';
import { runSeed } from './run-seed.js';
import { describeFailure, describeSummary, runSeeds } from './seeds.js';

const usage = `Usage: npm run sim -- [options]

Runs the seeded simulation (real VRRP core, real codec, real cloud reconciler machine and fence
logic; simulated clock, L2 segment and EC2 API) and checks its invariants after every step.
Prints each invariant with how often it was checked and violated, and seeds/s.

Options:
  --seed N          run one seed (with --trace: print its timeline)
  --trace           print the timeline of the seed given with --seed
  --seeds COUNT     run COUNT seeds (default 2000)
  --first-seed N    first seed of a batch (default 1)
  --max-loss RATE   highest packet loss drawn for a seed's fault windows, 0..1 (default 0.3)
  -h, --help        this text

Exit status: 0 when no invariant was violated, 1 otherwise, 2 on bad arguments.`;

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        seed: { type: 'string' },
        trace: { type: 'boolean', default: false },
        seeds: { type: 'string' },
        'first-seed': { type: 'string' },
        'max-loss': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const number = (
    name: string,
    text: string | undefined,
    fallback: number,
    min: number,
    max: number,
  ): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new RangeError(`--${name} must be a number from ${min} to ${max}, got "${text}"`);
    }
    return value;
  };
  let maxLossRate: number;
  let count: number;
  let firstSeed: number;
  let seed: number | undefined;
  try {
    maxLossRate = number('max-loss', values['max-loss'], 0.3, 0, 1);
    count = number('seeds', values.seeds, 2000, 1, 1e9);
    firstSeed = number('first-seed', values['first-seed'], 1, 0, 2 ** 32 - 1);
    seed = values.seed === undefined ? undefined : number('seed', values.seed, 0, 0, 2 ** 32 - 1);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }

  if (seed !== undefined) {
    const result = runSeed({ seed, trace: values.trace, maxLossRate });
    if (values.trace) console.log(result.trace.join('\n'));
    console.log(
      `seed ${seed}: ${result.steps} steps, ${result.transitions} transitions, ${(result.simulatedMs / 1000).toFixed(1)} s simulated`,
    );
    if (result.violations.length > 0) {
      console.log(describeFailure(result));
      return 1;
    }
    console.log('no invariant violated');
    return 0;
  }

  const summary = runSeeds({
    firstSeed,
    count,
    maxLossRate,
    onFailure: (result) => console.log(describeFailure(result)),
  });
  console.log(describeSummary(summary));
  return summary.violations > 0 ? 1 : 0;
}

process.exitCode = main();
