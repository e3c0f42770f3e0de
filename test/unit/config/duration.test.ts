// Durations: a number and a unit (ms, s, m), to whole milliseconds, exactly.
import { describe, expect, it } from 'vitest';

import { formatDurationMs, parseDurationMs } from '../../../src/agent/config/duration.js';

describe('parseDurationMs', () => {
  it.each([
    ['1s', 1000],
    ['150ms', 150],
    ['2.5s', 2500],
    ['1m', 60_000],
    ['0.3s', 300], // 0.3 * 1000 is 300.00000000000006 in floating point
    ['0.01s', 10],
    ['40.95s', 40_950],
    ['0ms', 0],
    ['0s', 0],
    ['1.5m', 90_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDurationMs(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['5', /no unit/],
    [5, /got 5 \(a number without a unit\)/],
    ['1h', /^unsupported unit "h" in "1h": use ms, s or m$/],
    ['1d', /unsupported unit "d"/],
    ['-1s', /^a duration cannot be negative, got -1s$/],
    ['-5ms', /cannot be negative/],
    ['1.5ms', /^1\.5ms is not a whole number of milliseconds$/],
    ['s', /expected a duration with a unit/],
    ['1 s', /expected a duration with a unit/],
    ['.5s', /expected a duration with a unit/],
    ['1e3ms', /unsupported unit "e"|expected a duration/],
    ['9999999999999s', /too large/],
    [null, /expected a duration/],
    [true, /expected a duration/],
  ])('%j is refused', (input, why) => {
    const result = parseDurationMs(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.why).toMatch(why);
  });
});

describe('formatDurationMs', () => {
  it.each([
    [0, '0ms'],
    [5, '5ms'],
    [1500, '1.5s'],
    [1000, '1s'],
    [120_000, '2m'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});
