// A reload's new VIP list (input 'vips'): the state stays; a master removes the addresses that
// went, adds and announces the new ones and advertises the new list at once; a backup only
// takes the list (its adverts-to-be and the address check of received adverts).
import { describe, expect, it } from 'vitest';

import { PEER, receive, startAsMaster, startRouter, VIP } from './helpers.js';

const OTHER = '10.0.0.101';

describe("input 'vips' (configuration reload)", () => {
  it('a master swaps the addresses in place, re-announces and advertises the new list', () => {
    const { router } = startAsMaster({ vips: [VIP, '10.0.0.102'] });
    const out = router.handle({ type: 'vips', nowMs: 50_000, vips: [VIP, OTHER] });
    expect(router.snapshot().state).toBe('master');
    expect(out.map((a) => a.type)).toEqual(['del-vips', 'add-vips', 'send-advert', 'send-garp']);
    expect(out[0]).toMatchObject({ vips: ['10.0.0.102'] });
    expect(out[1]).toMatchObject({ vips: [OTHER] });
    const advert = out.find((a) => a.type === 'send-advert');
    expect(advert?.type === 'send-advert' && advert.advert.addresses).toEqual([VIP, OTHER]);
    expect(out[3]).toMatchObject({ vips: [VIP, OTHER] });
    // The next regular advert carries the new list too.
    const later = router.handle({ type: 'timer', nowMs: 51_000 });
    const next = later.find((a) => a.type === 'send-advert');
    expect(next?.type === 'send-advert' && next.advert.addresses).toEqual([VIP, OTHER]);
  });

  it('a backup takes the list without any action; received adverts are checked against it', () => {
    const { router } = startRouter();
    receive(router, 1000, PEER, { priority: 200 });
    const out = router.handle({ type: 'vips', nowMs: 1100, vips: [OTHER] });
    expect(out).toEqual([]);
    expect(router.snapshot().state).toBe('backup');
    expect(router.config.vips).toEqual([OTHER]);
  });

  it.each([
    { name: 'the same list', vips: [VIP] },
    { name: 'an empty list', vips: [] },
    { name: 'another family', vips: ['2001:db8::1'] },
  ])('$name changes nothing', ({ vips }) => {
    const { router } = startAsMaster();
    const out = router.handle({ type: 'vips', nowMs: 50_000, vips });
    expect(out).toEqual([]);
    expect(router.config.vips).toEqual([VIP]);
  });
});
