// The pure fencing rules: the holder is the highest live term; only a newer record fences us.
import { describe, expect, it } from 'vitest';
import {
  fenceHolder,
  highestTerm,
  nextTerm,
  supersedingRecord,
} from '../../../src/cloud/reconcile/fencing.js';
import type { FenceRecord } from '../../../src/cloud/provider.js';

const rec = (owner: string, term: number, released = false, beat = 0): FenceRecord => ({
  owner,
  term,
  beat,
  released,
});

describe('fenceHolder', () => {
  it('is the highest term not released', () => {
    expect(fenceHolder([])).toBeUndefined();
    expect(fenceHolder([rec('i-a', 5), rec('i-b', 9), rec('i-c', 7)])?.owner).toBe('i-b');
    expect(fenceHolder([rec('i-a', 5), rec('i-b', 9, true)])?.owner).toBe('i-a');
    expect(fenceHolder([rec('i-b', 9, true)])).toBeUndefined();
  });

  it('breaks a tie of terms by owner id, whatever the order read', () => {
    expect(fenceHolder([rec('i-a', 5), rec('i-b', 5)])?.owner).toBe('i-b');
    expect(fenceHolder([rec('i-b', 5), rec('i-a', 5)])?.owner).toBe('i-b');
  });
});

describe('supersedingRecord', () => {
  it('names a newer live record of another agent, and nothing else', () => {
    expect(supersedingRecord([rec('i-b', 10)], 'i-a', 9)?.owner).toBe('i-b');
    expect(supersedingRecord([rec('i-b', 8)], 'i-a', 9)).toBeUndefined();
    expect(supersedingRecord([rec('i-b', 10, true)], 'i-a', 9)).toBeUndefined();
    // Our own record is never a fence, even with a higher term than we remember.
    expect(supersedingRecord([rec('i-a', 12)], 'i-a', 9)).toBeUndefined();
    expect(supersedingRecord([], 'i-a', 9)).toBeUndefined();
  });

  it('the holder is what counts: an older record beside a newer one of ours does not fence', () => {
    expect(supersedingRecord([rec('i-b', 8), rec('i-a', 9)], 'i-a', 9)).toBeUndefined();
    expect(supersedingRecord([rec('i-b', 11), rec('i-a', 9)], 'i-a', 9)?.term).toBe(11);
  });

  it('an equal term fences the lower owner id only, so exactly one of two claims stands', () => {
    expect(supersedingRecord([rec('i-b', 9)], 'i-a', 9)?.owner).toBe('i-b');
    expect(supersedingRecord([rec('i-a', 9)], 'i-b', 9)).toBeUndefined();
  });
});

describe('terms', () => {
  it('highestTerm counts released records too (a takeover must exceed every term written)', () => {
    expect(highestTerm([])).toBe(0);
    expect(highestTerm([rec('i-a', 3), rec('i-b', 7, true)])).toBe(7);
  });

  it('nextTerm exceeds every term seen and is at least the wall clock in ms', () => {
    expect(nextTerm(0, 1_750_000_000_123.7)).toBe(1_750_000_000_123);
    expect(nextTerm(1_750_000_000_500, 1_750_000_000_123.7)).toBe(1_750_000_000_501);
    expect(nextTerm(41, 10)).toBe(42);
  });
});
