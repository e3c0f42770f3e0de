// Summaries of the samples: the takeover table, where the time went, and the verdict per fault.
import type { FaultName } from './faults.js';
import type { ImplName } from './routers.js';
import type { Sample } from './run.js';

/** floatd may be this much slower (median) than keepalived and still pass (issue 10). */
export const TOLERANCE_MS = 1;

export interface Stats {
  readonly n: number;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly minMs: number;
}

export function stats(values: readonly number[]): Stats | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const medianMs =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    n: sorted.length,
    medianMs,
    minMs: sorted[0] as number,
    maxMs: sorted[sorted.length - 1] as number,
  };
}

function of(
  samples: readonly Sample[],
  fault: FaultName,
  impl: ImplName,
  pick: (s: Sample) => number | undefined,
): Stats | undefined {
  return stats(
    samples
      .filter((s) => s.fault === fault && s.impl === impl)
      .map(pick)
      .filter((v): v is number => v !== undefined),
  );
}

const ms = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(1));
const signed = (v: number): string => `${v >= 0 ? '+' : ''}${ms(v)}`;

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export interface TheoryFigures {
  readonly skewMs: number;
  readonly mdiMs: number;
}

/** The main table: takeover (fault → VIP on h2) per fault and implementation. */
export function takeoverTable(
  samples: readonly Sample[],
  faults: readonly FaultName[],
  impls: readonly ImplName[],
  theory: TheoryFigures,
): string {
  const rows: string[][] = [
    ['fault', 'impl', 'n', 'median_ms', 'max_ms', 'min_ms', 'theory', 'excess_med'],
  ];
  for (const fault of faults) {
    const label = fault === 'sigterm' ? `skew ${ms(theory.skewMs)}` : `MDI ${ms(theory.mdiMs)}`;
    for (const impl of impls) {
      const t = of(samples, fault, impl, (s) => s.takeoverMs);
      const excess = of(samples, fault, impl, (s) =>
        s.theoryMs === undefined ? undefined : s.takeoverMs - s.theoryMs,
      );
      rows.push([
        fault,
        impl,
        String(t?.n ?? 0),
        ms(t?.medianMs),
        ms(t?.maxMs),
        ms(t?.minMs),
        label,
        ms(excess?.medianMs),
      ]);
    }
  }
  return table(rows);
}

/** Where the time went (medians): the agent's own part, advert and log to the address event. */
export function breakdownTable(
  samples: readonly Sample[],
  faults: readonly FaultName[],
  impls: readonly ImplName[],
): string {
  const rows: string[][] = [
    ['fault', 'impl', 'phase_med', 'release_med', 'advert→vip_med', 'log→vip_med', 'log→vip_max'],
  ];
  for (const fault of faults) {
    for (const impl of impls) {
      const med = (pick: (s: Sample) => number | undefined): string =>
        ms(of(samples, fault, impl, pick)?.medianMs);
      rows.push([
        fault,
        impl,
        med((s) => s.phaseMs),
        med((s) => s.releaseLagMs),
        med((s) => s.advertToVipMs),
        med((s) => s.logToVipMs),
        ms(of(samples, fault, impl, (s) => s.logToVipMs)?.maxMs),
      ]);
    }
  }
  return table(rows);
}

export interface Verdict {
  readonly fault: FaultName;
  readonly ok: boolean;
  readonly line: string;
}

/**
 * Per fault: floatd's median takeover against keepalived's, within TOLERANCE_MS. For sigterm the
 * takeover itself (its theory, Skew_Time, is one figure). For kill and linkdown the takeover at
 * equal phase: takeover minus (MDI - phase), the excess over theory; a sample's phase (fault time
 * after the MASTER's last advert on the wire) differs by a few ms between the two
 * implementations' runs, and at 100 ms adverts that alone would decide the comparison. Without
 * a tap (no phases) the plain takeover.
 */
export function verdicts(samples: readonly Sample[], faults: readonly FaultName[]): Verdict[] {
  return faults.map((fault) => {
    const takeover = (impl: ImplName): Stats | undefined =>
      of(samples, fault, impl, (s) => s.takeoverMs);
    const excess = (impl: ImplName): Stats | undefined =>
      of(samples, fault, impl, (s) =>
        s.theoryMs === undefined ? undefined : s.takeoverMs - s.theoryMs,
      );
    const f = takeover('floatd');
    const k = takeover('keepalived');
    if (f === undefined || k === undefined) {
      return { fault, ok: false, line: `${fault}: no comparison (missing samples)` };
    }
    const fx = excess('floatd');
    const kx = excess('keepalived');
    const atEqualPhase = fault !== 'sigterm' && fx !== undefined && kx !== undefined;
    const delta = atEqualPhase ? fx.medianMs - kx.medianMs : f.medianMs - k.medianMs;
    const ok = delta <= TOLERANCE_MS;
    const compared = atEqualPhase
      ? `excess over theory (takeover at equal phase) floatd ${ms(fx.medianMs)} vs keepalived ${ms(kx.medianMs)} ms`
      : `takeover floatd ${ms(f.medianMs)} vs keepalived ${ms(k.medianMs)} ms`;
    const also = atEqualPhase
      ? `; median takeover ${ms(f.medianMs)} vs ${ms(k.medianMs)} ms`
      : fx !== undefined && kx !== undefined
        ? `; excess over theory ${ms(fx.medianMs)} vs ${ms(kx.medianMs)} ms`
        : '';
    return {
      fault,
      ok,
      line: `${fault}: median ${compared} (${signed(delta)}): ${ok ? 'OK' : 'WORSE'}${also}`,
    };
  });
}
