// Rise/fall debouncing, checked against keepalived's vrrp_script semantics.
import { describe, expect, it } from 'vitest';
import { RiseFall } from '../../../src/agent/track/rise-fall.js';

/** Feeds a string of outcomes ('+' success, '-' failure); returns the health after each. */
function run(rf: RiseFall, outcomes: string): string[] {
  return [...outcomes].map((c) => {
    rf.record(c === '+');
    return rf.health;
  });
}

describe('RiseFall', () => {
  it('starts undecided and the first result decides (keepalived INIT: "one success is enough")', () => {
    expect(new RiseFall(3, 3).health).toBe('init');
    expect(run(new RiseFall(3, 3), '+')).toEqual(['ok']);
    expect(run(new RiseFall(3, 3), '-')).toEqual(['failed']);
  });

  it('with init_fail starts FAILED and needs `rise` successes', () => {
    const rf = new RiseFall(3, 2, true);
    expect(rf.health).toBe('failed');
    expect(run(rf, '+++')).toEqual(['failed', 'failed', 'ok']);
  });

  it('goes FAILED after `fall` consecutive failures and OK after `rise` consecutive successes', () => {
    const rf = new RiseFall(2, 3);
    expect(run(rf, '+---')).toEqual(['ok', 'ok', 'ok', 'failed']);
    expect(run(rf, '++')).toEqual(['failed', 'ok']);
  });

  it('a broken streak starts counting again', () => {
    const rf = new RiseFall(2, 3);
    expect(run(rf, '+--+---')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'failed']);
    expect(run(rf, '+-++')).toEqual(['failed', 'failed', 'failed', 'ok']);
  });

  it('rise = fall = 1 follows every result and reports each change', () => {
    const rf = new RiseFall(1, 1);
    expect(rf.record(true)).toBe(true);
    expect(rf.record(true)).toBe(false);
    expect(rf.record(false)).toBe(true);
    expect(rf.health).toBe('failed');
  });
});
