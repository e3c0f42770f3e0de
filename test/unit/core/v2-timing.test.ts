// RFC 3768 §6.1: in VRRPv2, Skew_Time is "( (256 - Priority) / 256 )" seconds, independent of the
// Advertisement_Interval; RFC 5798 §6.1 (v3) scales it by Master_Adver_Interval instead.
import { describe, expect, it } from 'vitest';

import { PEER, receive, runUntil, startRouter } from './helpers.js';

describe('RFC 3768 §6.1 v2 timers at Advertisement_Interval 3 s (advertIntervalCs 300)', () => {
  it.each([
    // v2: Skew_Time = (256 - p) / 256 s; Master_Down_Interval = 3 * 3000 + Skew_Time.
    { version: 2, priority: 100, skewMs: 609.375, masterDownMs: 9609.375 },
    { version: 2, priority: 200, skewMs: 218.75, masterDownMs: 9218.75 },
    { version: 2, priority: 1, skewMs: 996.09375, masterDownMs: 9996.09375 },
    // v3 for contrast: Skew_Time = (256 - p) * 300 cs / 256.
    { version: 3, priority: 100, skewMs: 1828.125, masterDownMs: 10828.125 },
  ] as const)(
    'v$version priority $priority: Skew_Time $skewMs ms, Master_Down_Interval $masterDownMs ms',
    ({ version, priority, skewMs, masterDownMs }) => {
      const { router } = startRouter({ version, priority, advertIntervalCs: 300 });
      expect(router.nextDeadlineMs()).toBe(masterDownMs);
      // A higher master's advert resets to Master_Down_Interval...
      expect(receive(router, 1000, PEER, { priority: 250 })).toEqual([]);
      expect(router.nextDeadlineMs()).toBe(1000 + masterDownMs);
      // ...and its priority-0 advert sets the timer to Skew_Time (RFC 3768 §6.4.2).
      expect(receive(router, 2000, PEER, { priority: 0 })).toEqual([]);
      expect(router.nextDeadlineMs()).toBe(2000 + skewMs);
      const fired = runUntil(router, 2000 + skewMs);
      expect(fired[0]).toMatchObject({
        atMs: 2000 + skewMs,
        action: { type: 'transition', to: 'master', reason: 'master-released' },
      });
    },
  );

  it('v2 MASTER at 3 s: adverts every 3000 ms, carrying advertIntervalSec 3', () => {
    const { router } = startRouter({ version: 2, advertIntervalCs: 300 });
    const fired = runUntil(router, 9609.375 + 6000);
    const adverts = fired.filter((t) => t.action.type === 'send-advert');
    expect(adverts.map((t) => t.atMs)).toEqual([9609.375, 12609.375, 15609.375]);
    expect(adverts[0]?.action).toMatchObject({
      advert: { version: 2, advertIntervalSec: 3, priority: 100, authType: 0 },
    });
  });
});
