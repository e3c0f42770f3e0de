// Yield detection in the core (issue 12): as MASTER, an advert below our priority (another
// MASTER after a healed partition, or one leaving with priority 0, RFC 5798 §6.4.3) followed by
// three of our advert intervals of silence means that router stepped down: the core says so once
// (peer-yielded, with when it was last heard), from a deadline in nextDeadlineMs().
import { describe, expect, it } from 'vitest';
import type { VrrpAction } from '../../../src/agent/vrrp/types.js';
import { PEER, receive, runUntil, startAsMaster } from './helpers.js';

const INTERVAL_MS = 1000; // the helpers' default 100 cs
const QUIET_MS = 3 * INTERVAL_MS;

function yields(actions: readonly { action: VrrpAction }[]): VrrpAction[] {
  return actions.map((a) => a.action).filter((a) => a.type === 'peer-yielded');
}

describe('peer-yielded', () => {
  it('follows three quiet intervals after the last lower-priority advert, once', () => {
    const { router, masterSinceMs: t } = startAsMaster({ priority: 150 });
    receive(router, t + 100, PEER, { priority: 100 });
    // Heard again before the silence was long enough: the deadline moves.
    receive(router, t + 1_100, PEER, { priority: 100 });
    expect(router.nextDeadlineMs()).toBeLessThanOrEqual(t + 1_100 + QUIET_MS);
    const before = runUntil(router, t + 1_100 + QUIET_MS - 1);
    expect(yields(before)).toEqual([]);
    const at = runUntil(router, t + 1_100 + QUIET_MS);
    expect(yields(at)).toEqual([{ type: 'peer-yielded', heardAtMs: t + 1_100 }]);
    expect(yields(runUntil(router, t + 20_000))).toEqual([]);
    expect(router.snapshot().state).toBe('master');
  });

  it('counts a leaving MASTER (priority 0) as one that yields', () => {
    const { router, masterSinceMs: t } = startAsMaster({ priority: 150 });
    receive(router, t + 10, PEER, { priority: 0 });
    expect(yields(runUntil(router, t + 10 + QUIET_MS))).toEqual([
      { type: 'peer-yielded', heardAtMs: t + 10 },
    ]);
  });

  it('says nothing once a higher priority has preempted us', () => {
    const { router, masterSinceMs: t } = startAsMaster({ priority: 150 });
    receive(router, t + 10, PEER, { priority: 100 });
    receive(router, t + 20, PEER, { priority: 200 });
    expect(router.snapshot().state).toBe('backup');
    const later = runUntil(router, t + 20 + QUIET_MS);
    expect(yields(later)).toEqual([]);
  });
});
