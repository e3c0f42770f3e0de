// The sync groups' pure machine (src/agent/vrrp/sync-groups.ts), keepalived's vrrp_sync_group:
// one member's own FAULT is the group's; the group takes over only when every member is MASTER
// or ready; a member preempted out of MASTER takes the others with it; a shared state is
// announced once.
import { describe, expect, it } from 'vitest';
import {
  SyncGroupSet,
  type SyncGroupCommand,
  type SyncMemberView,
} from '../../../src/agent/vrrp/sync-groups.js';
import type { VrrpState } from '../../../src/agent/vrrp/types.js';

const view = (state: VrrpState, extra: Partial<SyncMemberView> = {}): SyncMemberView => ({
  state,
  syncReady: false,
  ownFault: false,
  groupFault: false,
  ...extra,
});

/** Group g of a and b; c stands alone. */
function groups(views: Record<string, SyncMemberView> = {}): SyncGroupSet {
  const members = new Map<string, SyncMemberView>([
    ['a', views.a ?? view('backup')],
    ['b', views.b ?? view('backup')],
    ['c', views.c ?? view('backup')],
  ]);
  return new SyncGroupSet([{ name: 'g', instances: ['a', 'b', 'absent'] }], members);
}

const feeds = (out: readonly SyncGroupCommand[]): string[] =>
  out.flatMap((c) => {
    if (c.type !== 'feed') return [];
    const arg =
      'fault' in c.input ? `=${c.input.fault}` : 'member' in c.input ? `=${c.input.member}` : '';
    return [`${c.member}:${c.input.type}${arg}`];
  });

describe('sync groups as one pure machine', () => {
  it('start: membership for every instance, a left group releases its FAULT', () => {
    const set = groups({ c: view('fault', { groupFault: true }) });
    expect(feeds(set.start())).toEqual([
      'a:sync-member=true',
      'b:sync-member=true',
      'c:sync-member=false',
      'c:group-fault=false',
    ]);
  });

  it("a member's own FAULT takes the whole group to FAULT, once; its end brings all back", () => {
    const set = groups();
    set.start();
    expect(feeds(set.step({ type: 'own-fault', member: 'b', fault: true }))).toEqual([
      'a:group-fault=true',
      'b:group-fault=true',
    ]);
    expect(set.step({ type: 'own-fault', member: 'b', fault: true })).toEqual([]);
    // The ungrouped instance's FAULT is its own only.
    expect(set.step({ type: 'own-fault', member: 'c', fault: true })).toEqual([]);
    expect(feeds(set.step({ type: 'own-fault', member: 'b', fault: false }))).toEqual([
      'a:group-fault=false',
      'b:group-fault=false',
    ]);
  });

  it('takes over only when every member is ready, and tells only the ready ones', () => {
    const set = groups();
    set.start();
    expect(set.step({ type: 'sync-ready', member: 'a', ready: true })).toEqual([]);
    const out = set.step({ type: 'sync-ready', member: 'b', ready: true });
    expect(out[0]).toEqual({ type: 'group-takeover', group: 'g' });
    expect(feeds(out)).toEqual(['a:sync-master', 'b:sync-master']);
    // The transitions this causes do not start it again; the shared MASTER is announced once.
    expect(set.step({ type: 'transition', member: 'a', to: 'master' })).toEqual([]);
    expect(set.step({ type: 'transition', member: 'b', to: 'master' })).toEqual([
      { type: 'group-state', group: 'g', state: 'master' },
    ]);
  });

  it('a readiness withdrawn (a master it must not preempt spoke) stops the takeover', () => {
    const set = groups();
    set.start();
    set.step({ type: 'sync-ready', member: 'a', ready: true });
    set.step({ type: 'sync-ready', member: 'a', ready: false });
    expect(set.step({ type: 'sync-ready', member: 'b', ready: true })).toEqual([]);
  });

  it('a member MASTER on its own (an owner) lets the ready ones go', () => {
    const set = groups();
    set.start();
    set.step({ type: 'sync-ready', member: 'b', ready: true });
    const out = set.step({ type: 'transition', member: 'a', to: 'master' });
    expect(feeds(out)).toEqual(['b:sync-master']);
  });

  it('a member preempted out of MASTER takes the others out; BACKUP is announced once', () => {
    const set = groups({ a: view('master'), b: view('master') });
    // Already sharing MASTER when wired (a reload): not announced again.
    expect(set.start().some((c) => c.type === 'group-state')).toBe(false);
    const out = set.step({ type: 'transition', member: 'a', to: 'backup' });
    expect(feeds(out)).toEqual(['b:sync-backup']);
    expect(out.some((c) => c.type === 'group-state')).toBe(false);
    // b's own leaving tells a too (its core ignores it unless MASTER: the machine's view of
    // a member may trail the core by the input being executed).
    const second = set.step({ type: 'transition', member: 'b', to: 'backup' });
    expect(feeds(second)).toEqual(['a:sync-backup']);
    expect(second).toContainEqual({ type: 'group-state', group: 'g', state: 'backup' });
    expect(set.step({ type: 'transition', member: 'b', to: 'backup' })).toEqual([]);
  });

  it('names it does not know are ignored (a group listing a missing instance)', () => {
    const set = groups();
    set.start();
    expect(set.step({ type: 'transition', member: 'absent', to: 'master' })).toEqual([]);
  });
});
