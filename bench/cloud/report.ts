// Figures of the cloud benchmark: one line per failover, then median and max per stage.
import type { RoundResult } from './round.js';

export const FIRST_REQUEST_TARGET_MS = 5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

const STAGES: readonly [keyof RoundResult, string][] = [
  ['killToDecisionMs', 'SIGKILL -> MASTER decision'],
  ['firstRequestMs', 'decision -> first API request received'],
  ['firstClaimMs', 'decision -> first claim request received'],
  ['allAcceptedMs', 'decision -> every claim accepted'],
  ['allConfirmedMs', 'decision -> every target confirmed (read-back)'],
  ['killToAcceptedMs', 'SIGKILL -> every claim accepted'],
];

export function report(results: readonly RoundResult[]): {
  text: string;
  firstRequestMedianMs: number;
  killToAcceptedMedianMs: number;
} {
  const rows = results.map(
    (r, i) =>
      `  #${String(i + 1).padStart(2)} ${r.from}->${r.to}  kill->decision ${r.killToDecisionMs.toFixed(1)} ms, ` +
      `first request ${r.firstRequestMs.toFixed(2)} ms, ` +
      `first claim ${r.firstClaimMs.toFixed(2)} ms, accepted ${r.allAcceptedMs.toFixed(1)} ms, ` +
      `confirmed ${r.allConfirmedMs.toFixed(1)} ms, kill->accepted ${r.killToAcceptedMs.toFixed(1)} ms, ${r.calls} calls`,
  );
  const summary = STAGES.map(([key, label]) => {
    const values = results.map((r) => r[key] as number);
    return `  ${label.padEnd(48)} median ${median(values).toFixed(2).padStart(7)} ms   max ${Math.max(
      ...values,
    )
      .toFixed(2)
      .padStart(7)} ms`;
  });
  const calls = results.map((r) => r.calls);
  summary.push(
    `  ${'API calls per failover (until confirmed)'.padEnd(48)} median ${median(calls).toFixed(0).padStart(7)}      max ${Math.max(
      ...calls,
    )
      .toFixed(0)
      .padStart(7)}`,
  );
  const firstRequestMedianMs = median(results.map((r) => r.firstRequestMs));
  return {
    text: ['Failovers:', ...rows, '', 'Summary:', ...summary].join('\n'),
    firstRequestMedianMs,
    killToAcceptedMedianMs: median(results.map((r) => r.killToAcceptedMs)),
  };
}
