// The core's record of a lower-priority MASTER that does not yield (issue 14, Build 4): as
// MASTER, adverts below our priority are answered at once (RFC 5798 §6.4.3); a router that keeps
// sending them does not hear us. The snapshot names it, since when, until it falls silent for
// three of our intervals (peer-yielded) or sends priority 0, or we leave MASTER.
import { describe, expect, it } from 'vitest';
import { PEER, receive, runUntil, startAsMaster } from './helpers.js';

const INTERVAL_MS = 1000; // the helpers' default 100 cs

describe('snapshot().lowerMaster', () => {
  it('names the lower MASTER and when it was first heard, while it keeps advertising', () => {
    const { router, masterSinceMs: t } = startAsMaster({ priority: 150 });
    expect(router.snapshot().lowerMaster).toBeUndefined();
    receive(router, t + 100, PEER, { priority: 100 });
    receive(router, t + 1_100, PEER, { priority: 100 });
    expect(router.snapshot().lowerMaster).toEqual({
      src: PEER,
      priority: 100,
      sinceMs: t + 100,
      lastHeardAtMs: t + 1_100,
    });
    // Three quiet intervals: it yielded, and the record goes with the peer-yielded action.
    runUntil(router, t + 1_100 + 3 * INTERVAL_MS);
    expect(router.snapshot().lowerMaster).toBeUndefined();
  });

  it('ends with its priority 0, and with our leaving MASTER', () => {
    const { router, masterSinceMs: t } = startAsMaster({ priority: 150 });
    receive(router, t + 100, PEER, { priority: 100 });
    receive(router, t + 200, PEER, { priority: 0 });
    expect(router.snapshot().lowerMaster).toBeUndefined();
    receive(router, t + 300, PEER, { priority: 100 });
    expect(router.snapshot().lowerMaster?.sinceMs).toBe(t + 300);
    receive(router, t + 400, PEER, { priority: 200 });
    expect(router.snapshot().state).toBe('backup');
    expect(router.snapshot().lowerMaster).toBeUndefined();
  });

  it('keeps one record: the latest sender (sources are untrusted)', () => {
    const { router, masterSinceMs: t } = startAsMaster({ priority: 150 });
    for (let i = 0; i < 100; i++) receive(router, t + i, `10.0.1.${i}`, { priority: 100 });
    expect(router.snapshot().lowerMaster).toMatchObject({ src: '10.0.1.99', sinceMs: t + 99 });
  });
});
