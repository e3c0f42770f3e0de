// Sync-group members in the core: a member's takeover waits for the group ('sync-ready', then
// 'sync-master'); a master that must not be preempted clears the readiness; 'sync-backup'
// takes a master member out with a priority-0 advert; leaving the group takes over at once.
import { describe, expect, it } from 'vitest';
import type { VrrpAction } from '../../../src/agent/vrrp/types.js';
import { PEER, receive, startRouter } from './helpers.js';

const types = (out: readonly VrrpAction[]): string[] => out.map((a) => a.type);

/** A started backup member whose Master_Down_Timer has run out (no master heard). */
function readyMember() {
  const { router } = startRouter({ priority: 100 });
  router.handle({ type: 'sync-member', nowMs: 0, member: true });
  const deadline = router.nextDeadlineMs() ?? 0;
  const out = router.handle({ type: 'timer', nowMs: deadline });
  return { router, out, deadline };
}

describe('sync-group members in the core', () => {
  it('a member whose down timer runs out is ready, stays BACKUP and waits without a timer', () => {
    const { router, out } = readyMember();
    expect(types(out)).toEqual(['sync-ready']);
    expect(router.snapshot()).toMatchObject({ state: 'backup', syncReady: true });
    expect(router.nextDeadlineMs()).toBeUndefined();
  });

  it("'sync-master' takes a ready member over with its own reason", () => {
    const { router, deadline } = readyMember();
    const out = router.handle({ type: 'sync-master', nowMs: deadline + 50 });
    expect(out[0]).toMatchObject({ type: 'transition', to: 'master', reason: 'master-down' });
    expect(types(out)).toContain('add-vips');
    expect(router.snapshot().syncReady).toBe(false);
  });

  it('a master it must not preempt clears the readiness; sync-master then does nothing', () => {
    const { router, deadline } = readyMember();
    const heard = receive(router, deadline + 10, PEER, { priority: 200 });
    // The group hears that the readiness ended (no transition says so here).
    expect(heard).toContainEqual({ type: 'sync-ready', ready: false });
    expect(router.snapshot().syncReady).toBe(false);
    expect(router.handle({ type: 'sync-master', nowMs: deadline + 20 })).toEqual([]);
    expect(router.snapshot().state).toBe('backup');
  });

  it('a lower-priority master (preempt on) leaves a ready member ready', () => {
    const { router, deadline } = readyMember();
    // Not the master it followed (none): discarded, as §6.4.2 says.
    expect(types(receive(router, deadline + 10, PEER, { priority: 50 }))).toEqual([
      'advert-dropped',
    ]);
    expect(router.snapshot().syncReady).toBe(true);
  });

  it("'sync-backup' takes a master member out: priority 0, then BACKUP (sync-group)", () => {
    const { router, deadline } = readyMember();
    router.handle({ type: 'sync-master', nowMs: deadline });
    const out = router.handle({ type: 'sync-backup', nowMs: deadline + 100 });
    const advert = out.find((a) => a.type === 'send-advert');
    expect(advert?.type === 'send-advert' && advert.advert.priority).toBe(0);
    expect(out.find((a) => a.type === 'transition')).toMatchObject({
      to: 'backup',
      reason: 'sync-group',
    });
    expect(types(out)).toContain('del-vips');
  });

  it('a ready member taken out of its group takes over at once; non-members never wait', () => {
    const { router, deadline } = readyMember();
    const out = router.handle({ type: 'sync-member', nowMs: deadline + 5, member: false });
    expect(out[0]).toMatchObject({ type: 'transition', to: 'master' });
    const plain = startRouter({ priority: 100 }).router;
    const at = plain.nextDeadlineMs() ?? 0;
    expect(types(plain.handle({ type: 'timer', nowMs: at }))).not.toContain('sync-ready');
    expect(plain.snapshot().state).toBe('master');
  });
});

describe('a ready member whose priority falls', () => {
  it('is no longer ready once it stops outranking the master it would preempt', () => {
    const { router } = startRouter({ priority: 100 });
    router.handle({ type: 'sync-member', nowMs: 0, member: true });
    receive(router, 0, PEER, { priority: 120 }); // the master it follows...
    receive(router, 1000, PEER, { priority: 90 }); // ...falls below: Skew_Time, then ready
    const deadline = router.nextDeadlineMs() ?? 0;
    expect(types(router.handle({ type: 'timer', nowMs: deadline }))).toEqual(['sync-ready']);
    router.handle({
      type: 'tracking',
      nowMs: deadline + 10,
      status: { weightDelta: -20, fault: false },
    });
    expect(router.snapshot().syncReady).toBe(false);
    expect(router.nextDeadlineMs()).toBeGreaterThan(deadline + 10);
    expect(router.handle({ type: 'sync-master', nowMs: deadline + 20 })).toEqual([]);
  });

  it("'group-fault' holds a member in FAULT beside its own reasons, and lets it go", () => {
    const { router, deadline } = readyMember();
    const out = router.handle({ type: 'group-fault', nowMs: deadline + 10, fault: true });
    expect(out[0]).toMatchObject({ type: 'transition', to: 'fault' });
    expect(router.snapshot()).toMatchObject({ state: 'fault', groupFault: true });
    // Its own tracking clear does not end the group's FAULT.
    router.handle({
      type: 'tracking',
      nowMs: deadline + 20,
      status: { weightDelta: 0, fault: false },
    });
    expect(router.snapshot().state).toBe('fault');
    const back = router.handle({ type: 'group-fault', nowMs: deadline + 30, fault: false });
    expect(back[0]).toMatchObject({ type: 'transition', to: 'backup', reason: 'fault-cleared' });
  });
});
