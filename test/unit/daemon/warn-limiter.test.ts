// Bounded warnings about dropped packets: once per key per window, a budget per window, one note
// when it is spent; memory and log lines stay bounded whatever the senders do.
import { describe, expect, it } from 'vitest';
import { WarnLimiter, type WarnVerdict } from '../../../src/agent/daemon/warn-limiter.js';

const limits = { windowMs: 60_000, warningsPerWindow: 5 };

function tally(verdicts: readonly WarnVerdict[]): Record<WarnVerdict, number> {
  const out = { warn: 0, note: 0, quiet: 0 };
  for (const v of verdicts) out[v]++;
  return out;
}

describe('WarnLimiter', () => {
  it('warns once per key within the window, and again after it', () => {
    const limiter = new WarnLimiter(limits);
    expect(limiter.check('a', 0)).toBe('warn');
    expect(limiter.check('a', 1000)).toBe('quiet');
    expect(limiter.check('b', 1000)).toBe('warn');
    expect(limiter.check('a', 59_999)).toBe('quiet');
    expect(limiter.check('a', 60_000)).toBe('warn');
  });

  it('spends its budget, notes it once, then is quiet until the window ends', () => {
    const limiter = new WarnLimiter(limits);
    const verdicts = Array.from({ length: 8 }, (_, i) => limiter.check(`k${i}`, i));
    expect(verdicts).toEqual(['warn', 'warn', 'warn', 'warn', 'warn', 'note', 'quiet', 'quiet']);
    // A suppressed key is not remembered: it is named in the next window if it repeats.
    expect(limiter.check('k6', 60_000)).toBe('warn');
    expect(limiter.budgetEndsInMs(60_000)).toBe(60_000);
  });

  it('100,000 distinct sources in one window: 5 warnings, 1 note, 5 keys held', () => {
    const limiter = new WarnLimiter(limits);
    const verdicts: WarnVerdict[] = [];
    for (let i = 0; i < 100_000; i++) verdicts.push(limiter.check(`bad-ttl|10.${i}`, i / 10));
    expect(tally(verdicts)).toEqual({ warn: 5, note: 1, quiet: 99_994 });
    expect(limiter.size).toBe(5);
  });

  it('100,000 distinct sources over many windows: at most 2 × budget keys, budget + 1 lines a window', () => {
    const limiter = new WarnLimiter(limits);
    const stepMs = 37; // 100,000 × 37 ms: about 62 windows
    let maxSize = 0;
    const verdicts: WarnVerdict[] = [];
    for (let i = 0; i < 100_000; i++) {
      verdicts.push(limiter.check(`not-a-peer|${i}`, i * stepMs));
      maxSize = Math.max(maxSize, limiter.size);
    }
    const windows = Math.ceil((100_000 * stepMs) / limits.windowMs);
    const { warn, note } = tally(verdicts);
    expect(maxSize).toBeLessThanOrEqual(2 * limits.warningsPerWindow);
    expect(warn + note).toBeLessThanOrEqual(windows * (limits.warningsPerWindow + 1));
    expect(warn).toBeGreaterThanOrEqual((windows - 1) * limits.warningsPerWindow);
  });

  it('a peer repeating the same wrong advert is named once a window, not once an advert', () => {
    const limiter = new WarnLimiter({ windowMs: 1000, warningsPerWindow: 3 });
    const verdicts: WarnVerdict[] = [];
    for (let t = 0; t < 10_000; t += 10) verdicts.push(limiter.check('auth-mismatch|10.0.0.2', t));
    expect(tally(verdicts)).toEqual({ warn: 10, note: 0, quiet: 990 });
  });
});
