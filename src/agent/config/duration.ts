// Durations in config text: a decimal number and a unit ("100ms", "1s", "2.5s", "1m").
// A bare number is refused: "advertInterval: 1" could mean seconds (keepalived) or centiseconds.

export type DurationResult =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly why: string };

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };
const DURATION = /^(-?)(\d+)(?:\.(\d+))?([a-zA-Z]*)$/;
// Beyond this many digits Number arithmetic stops being exact; no setting needs it.
const MAX_DIGITS = 12;

const HINT = 'expected a duration with a unit, like "100ms", "1s", "2.5s" or "1m"';

/** Text to whole milliseconds, exactly (no float rounding: "0.3s" is 300). Never throws. */
export function parseDurationMs(value: unknown): DurationResult {
  if (typeof value === 'number') {
    return { ok: false, why: `${HINT}, got ${String(value)} (a number without a unit)` };
  }
  if (typeof value !== 'string') return { ok: false, why: HINT };
  const m = DURATION.exec(value.trim());
  if (m === null) return { ok: false, why: `${HINT}, got ${JSON.stringify(value)}` };
  const [, minus = '', whole = '', fraction = '', unit = ''] = m;
  if (unit === '') return { ok: false, why: `${HINT}, got ${JSON.stringify(value)} (no unit)` };
  const unitMs = UNIT_MS[unit];
  if (unitMs === undefined) {
    return {
      ok: false,
      why: `unsupported unit "${unit}" in ${JSON.stringify(value)}: use ms, s or m`,
    };
  }
  if (minus !== '') return { ok: false, why: `a duration cannot be negative, got ${value}` };
  if (whole.length + fraction.length > MAX_DIGITS) {
    return { ok: false, why: `${JSON.stringify(value)} is too large` };
  }
  // value = digits / 10^fractionDigits units; exact while digits * unitMs < 2^53.
  const scaled = Number(whole + fraction) * unitMs;
  const divisor = 10 ** fraction.length;
  if (scaled % divisor !== 0) {
    return { ok: false, why: `${value} is not a whole number of milliseconds` };
  }
  return { ok: true, ms: scaled / divisor };
}

/** Milliseconds back to the shortest config text ("1500ms" -> "1.5s"), for messages. */
export function formatDurationMs(ms: number): string {
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}
