// Full-jitter backoff: a ceiling that doubles up to maxMs, a uniform draw under it, a floor.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffDelayMs } from '../../../src/cloud/reconcile/backoff.js';

const settings = { baseMs: 100, maxMs: 5_000 };

describe('backoffDelayMs', () => {
  it('scales the draw by a ceiling that doubles per retry and stops at maxMs', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 10].map((n) => backoffDelayMs(settings, n, 0.999999));
    expect(ceilings.map(Math.round)).toEqual([
      100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000,
    ]);
    expect(backoffDelayMs(settings, 3, 0.5)).toBe(400);
  });

  it('never waits less than a tenth of the base (no busy loop on a zero draw)', () => {
    expect(backoffDelayMs(settings, 0, 0)).toBe(10);
    expect(backoffDelayMs(settings, 8, 0)).toBe(10);
  });

  it('stays finite for huge retry counts', () => {
    expect(backoffDelayMs(settings, 10_000, 0.5)).toBe(2_500);
    expect(backoffDelayMs(DEFAULT_BACKOFF, Number.MAX_SAFE_INTEGER, 0.999)).toBeLessThanOrEqual(
      DEFAULT_BACKOFF.maxMs,
    );
  });
});
