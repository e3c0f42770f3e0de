// The clock of VRRP deadlines: a timer never fires before its time, never inside setTimer() itself, and a
// precise one lands within a fraction of a millisecond (Node's own setTimeout fires up to ~2 ms
// early and ~1 ms late).
import { describe, expect, it } from 'vitest';
import { deadlineClock } from '../../../src/agent/clock.js';

async function lateness(count: number, precise: boolean): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const atMs = deadlineClock.nowMs() + 3 + Math.random() * 7;
    out.push(
      await new Promise<number>((resolve) => {
        deadlineClock.setTimer(atMs, () => resolve(deadlineClock.nowMs() - atMs), { precise });
      }),
    );
  }
  return out.sort((a, b) => a - b);
}

describe('deadlineClock', () => {
  it('never fires early, plain or precise', async () => {
    for (const precise of [false, true]) {
      const late = await lateness(40, precise);
      expect(late[0]).toBeGreaterThanOrEqual(0);
    }
  });

  it('fires a precise timer within a fraction of a millisecond (median)', async () => {
    const late = await lateness(40, true);
    // Generous for a loaded CI machine; on an idle one the median is ~0.05 ms.
    expect(late[20]).toBeLessThan(1);
  });

  it('fires a due timer later, not inside setTimer(), and not at all once cancelled', async () => {
    const fired: string[] = [];
    deadlineClock.setTimer(deadlineClock.nowMs() - 5, () => fired.push('due'));
    deadlineClock.setTimer(deadlineClock.nowMs() + 0.5, () => fired.push('precise'), {
      precise: true,
    });
    const cancelled = deadlineClock.setTimer(deadlineClock.nowMs() + 2, () => fired.push('no'));
    cancelled.cancel();
    const dueSoon = deadlineClock.setTimer(deadlineClock.nowMs() - 1, () =>
      fired.push('no either'),
    );
    dueSoon.cancel();
    expect(fired).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual(['due', 'precise']);
  });
});
