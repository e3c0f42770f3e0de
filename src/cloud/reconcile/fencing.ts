// Fencing decisions over the records read from the cloud (pure). Each agent writes only its own
// record; the holder is the highest term. A MASTER whose term is lower than another live
// record's stops claiming, so two MASTERs that cannot hear each other (but both reach the API)
// move the address once, not back and forth.
import type { FenceRecord } from '../provider.js';

/** Orders records: higher term first; equal terms (practically impossible) by owner id. */
function outranks(a: FenceRecord, b: FenceRecord): boolean {
  return a.term !== b.term ? a.term > b.term : a.owner > b.owner;
}

/** The record of the current holder: the highest term not released. */
export function fenceHolder(records: readonly FenceRecord[]): FenceRecord | undefined {
  let best: FenceRecord | undefined;
  for (const record of records) {
    if (record.released) continue;
    if (best === undefined || outranks(record, best)) best = record;
  }
  return best;
}

/** Another agent's record that supersedes our term, or undefined if we may go on claiming. */
export function supersedingRecord(
  records: readonly FenceRecord[],
  me: string,
  myTerm: number,
): FenceRecord | undefined {
  const holder = fenceHolder(records);
  if (holder === undefined || holder.owner === me) return undefined;
  const mine: FenceRecord = { term: myTerm, owner: me, beat: 0, released: false };
  return outranks(holder, mine) ? holder : undefined;
}

/** The highest term anyone has written: a new takeover must exceed it. */
export function highestTerm(records: readonly FenceRecord[]): number {
  return records.reduce((max, r) => Math.max(max, r.term), 0);
}

/**
 * The term for a takeover: above every term seen, and at least the wall clock in ms, so an agent
 * that could not read the records (throttled, lagging) still takes a newer term than any earlier
 * takeover, given clocks synchronised better than the time between takeovers (seconds, while
 * EC2 hosts keep time within a millisecond).
 */
export function nextTerm(highestSeen: number, wallNowMs: number): number {
  return Math.max(highestSeen + 1, Math.floor(wallNowMs));
}
