// The many-VIP summaries: per layout, fault and implementation, takeover → last GARP of the
// first burst, its frames, and the client's outage per VIP; the verdicts against the target.
import type { FaultName } from '../faults.js';
import { stats, table, TOLERANCE_MS } from '../report.js';
import type { ImplName } from '../routers.js';
import type { Layout } from './layout.js';
import type { ManySample } from './run.js';
import { GARP_REPEAT } from './run.js';

const ms = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(1));

function pick(
  samples: readonly ManySample[],
  value: (s: ManySample) => number | undefined,
): number[] {
  return samples.map(value).filter((v): v is number => v !== undefined);
}

function excessOf(s: ManySample): number | undefined {
  return s.theoryMs === undefined ? undefined : s.takeoverMs - s.theoryMs;
}

export function manyVipTable(
  samples: readonly ManySample[],
  layouts: readonly Layout[],
  faults: readonly FaultName[],
  impls: readonly ImplName[],
): string {
  const rows: string[][] = [
    [
      'layout',
      'fault',
      'impl',
      'n',
      'takeover_med',
      'excess_med',
      'last_inst_med',
      'last_garp_med',
      'last_garp_max',
      'frames_min',
      'all_garped_med',
      'last_vip_added_med',
      'outage_med',
      'outage_max',
      'never_back',
    ],
  ];
  for (const layout of layouts) {
    for (const fault of faults) {
      for (const impl of impls) {
        const mine = samples.filter(
          (s) => s.layout === layout.label && s.fault === fault && s.impl === impl,
        );
        const outages = mine.flatMap((s) => s.outagesMs);
        const back = outages.filter((o): o is number => o !== undefined);
        const expected = (mine[0]?.vipCount ?? 0) * GARP_REPEAT;
        rows.push([
          layout.label,
          fault,
          impl,
          String(mine.length),
          ms(stats(pick(mine, (s) => s.takeoverMs))?.medianMs),
          ms(stats(pick(mine, excessOf))?.medianMs),
          ms(stats(pick(mine, (s) => s.lastTakeoverMs))?.medianMs),
          ms(stats(pick(mine, (s) => s.lastGarpMs))?.medianMs),
          ms(stats(pick(mine, (s) => s.lastGarpMs))?.maxMs),
          mine.length === 0 ? '-' : `${Math.min(...mine.map((s) => s.garpFrames))}/${expected}`,
          ms(stats(pick(mine, (s) => s.allAnnouncedMs))?.medianMs),
          ms(stats(pick(mine, (s) => s.lastVipAddedMs))?.medianMs),
          ms(stats(back)?.medianMs),
          ms(stats(back)?.maxMs),
          String(outages.length - back.length),
        ]);
      }
    }
  }
  return table(rows);
}

export interface ManyVerdict {
  readonly ok: boolean;
  readonly line: string;
}

/**
 * Per layout and fault: floatd's first burst complete and its median takeover → last GARP
 * within `targetMs`; and floatd's takeover (at equal phase: the excess over theory) within
 * TOLERANCE_MS of keepalived's.
 */
export function manyVipVerdicts(
  samples: readonly ManySample[],
  layouts: readonly Layout[],
  faults: readonly FaultName[],
  targetMs: number,
): ManyVerdict[] {
  const out: ManyVerdict[] = [];
  for (const layout of layouts) {
    for (const fault of faults) {
      const of = (impl: ImplName): ManySample[] =>
        samples.filter((s) => s.layout === layout.label && s.fault === fault && s.impl === impl);
      const f = of('floatd');
      const k = of('keepalived');
      const label = `${layout.label} ${fault}`;
      if (f.length === 0) {
        out.push({ ok: false, line: `${label}: no floatd samples` });
        continue;
      }
      const expected = (f[0]?.vipCount ?? 0) * GARP_REPEAT;
      const complete = f.every((s) => s.garpFrames >= expected);
      const lastGarp = stats(pick(f, (s) => s.lastGarpMs))?.medianMs;
      const kLastGarp = stats(pick(k, (s) => s.lastGarpMs))?.medianMs;
      const garpOk = complete && lastGarp !== undefined && lastGarp <= targetMs;
      out.push({
        ok: garpOk,
        line:
          `${label}: floatd takeover → last GARP ${ms(lastGarp)} ms median` +
          `${complete ? '' : ` (first burst incomplete: fewer than ${expected} frames)`}, ` +
          `target ${targetMs} ms: ${garpOk ? 'OK' : 'MISSED'} (keepalived ${ms(kLastGarp)} ms)`,
      });
      const fx = stats(pick(f, excessOf))?.medianMs;
      const kx = stats(pick(k, excessOf))?.medianMs;
      if (fx !== undefined && kx !== undefined) {
        const ok = fx <= kx + TOLERANCE_MS;
        out.push({
          ok,
          line:
            `${label}: takeover excess over theory floatd ${ms(fx)} vs keepalived ${ms(kx)} ms ` +
            `(${fx - kx >= 0 ? '+' : ''}${ms(fx - kx)}): ${ok ? 'OK' : 'WORSE'}`,
        });
      }
    }
  }
  return out;
}
