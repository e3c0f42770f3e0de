// A reload's new base priority (input 'priority'): applied in place, like a tracking change; a
// master advertises it at once; becoming or ceasing to be the owner (255) is not done in place.
import { describe, expect, it } from 'vitest';

import { PEER, receive, startAsMaster, startRouter } from './helpers.js';

describe("input 'priority' (configuration reload)", () => {
  it('a master takes the new base priority, stays master and advertises it at once', () => {
    const { router } = startAsMaster({ priority: 150 });
    const out = router.handle({ type: 'priority', nowMs: 50_000, priority: 120 });
    expect(router.snapshot().state).toBe('master');
    expect(router.snapshot().basePriority).toBe(120);
    const adverts = out.flatMap((a) => (a.type === 'send-advert' ? [a.advert.priority] : []));
    expect(adverts).toEqual([120]);
    expect(out.some((a) => a.type === 'transition' || a.type === 'del-vips')).toBe(false);
  });

  it('a backup re-times Master_Down_Interval with the new priority (200: 3000 + 56*1000/256)', () => {
    const { router } = startRouter({ priority: 100 });
    receive(router, 1000, PEER, { priority: 250 });
    router.handle({ type: 'priority', nowMs: 1000, priority: 200 });
    expect(router.nextDeadlineMs()).toBe(1000 + 3218.75);
  });

  it.each([
    { from: 100, to: 255 },
    { from: 255, to: 100 },
    { from: 100, to: 0 },
    { from: 100, to: 100 },
  ])('$from -> $to is not applied in place', ({ from, to }) => {
    const { router } = startRouter({ priority: from });
    const out = router.handle({ type: 'priority', nowMs: 100, priority: to });
    expect(router.snapshot().basePriority).toBe(from);
    expect(out).toEqual([]);
  });
});
