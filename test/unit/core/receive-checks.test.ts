// The receive checks of RFC 5798 §7.1 (v3) and RFC 3768 §7.1 (v2) that depend on configuration.
// Every dropped advert has priority 200 (or 0): accepted, it would reset a Backup's Master_Down_Timer and
// make a Master (priority 100) step down, so "nothing changed" is a real assertion (priority 0
// would pull a Backup's timer to Skew_Time and make a Master answer).
import { describe, expect, it } from 'vitest';

import type { VirtualRouter } from '../../../src/agent/vrrp/router.js';
import type { AdvertDropReason, VirtualRouterConfig } from '../../../src/agent/vrrp/types.js';
import type { AdvertFields } from './helpers.js';
import { PEER, PRIMARY, receive, startAsMaster, startRouter } from './helpers.js';

const MASTER_DOWN_MS = 3609.375;

interface DropRow {
  readonly rule: string;
  readonly overrides: Partial<VirtualRouterConfig>;
  readonly src: string;
  readonly advert: AdvertFields;
  readonly reason: AdvertDropReason;
}

const V2: Partial<VirtualRouterConfig> = { version: 2 };
const V2_PASS: Partial<VirtualRouterConfig> = { version: 2, authPassword: 'secret' };

const DROPS: DropRow[] = [
  {
    rule: 'RFC 5798 §7.1 "MUST verify that the VRID is configured on the receiving interface": VRID 52 to VRID 51',
    overrides: {},
    src: PEER,
    advert: { priority: 200, vrid: 52 },
    reason: 'vrid-mismatch',
  },
  {
    rule: 'RFC 5798 §7.1 "MUST verify that the VRRP version is 3": a v2 advert to a v3 router',
    overrides: {},
    src: PEER,
    advert: { priority: 200, version: 2 },
    reason: 'version-mismatch',
  },
  {
    rule: 'RFC 3768 §7.1 "MUST verify that the VRRP version is 2": a v3 advert to a v2 router',
    overrides: V2,
    src: PEER,
    advert: { priority: 200, version: 3 },
    reason: 'version-mismatch',
  },
  {
    rule: 'RFC 5798 §7.1: an IPv6 advert to an IPv4 virtual router (a different instance)',
    overrides: {},
    src: PEER,
    advert: { priority: 200, family: 'ipv6', addresses: ['2001:db8::100'] },
    reason: 'version-mismatch',
  },
  {
    rule: 'unicast (keepalived unicast_peer): a source that is not one of the configured peers',
    overrides: { unicastPeers: ['192.0.2.77'] },
    src: PEER,
    advert: { priority: 200 },
    reason: 'not-a-peer',
  },
  {
    rule: 'own advert looped back (source is our primary address)',
    overrides: {},
    src: PRIMARY,
    advert: { priority: 200 },
    reason: 'own-advert',
  },
  {
    rule: 'RFC 3768 §7.1 "MUST verify that the Auth Type matches the locally configured authentication method": no password configured, type 1 received',
    overrides: V2,
    src: PEER,
    advert: { priority: 200, authType: 1, password: 'secret' },
    reason: 'auth-type-mismatch',
  },
  {
    rule: 'RFC 2338 §5.3.6.1 simple text password (keepalived auth_pass; RFC 3768 reserves type 1): wrong password',
    overrides: V2_PASS,
    src: PEER,
    advert: { priority: 200, authType: 1, password: 'secreT' },
    reason: 'auth-mismatch',
  },
  {
    rule: 'RFC 3768 §7.1 "MUST verify that the Auth Type matches the locally configured authentication method": password configured, type 0 received',
    overrides: V2_PASS,
    src: PEER,
    advert: { priority: 200, authType: 0 },
    reason: 'auth-type-mismatch',
  },
  {
    rule: 'RFC 3768 §7.1: password configured, type 0 received even though its auth bytes hold the right password',
    overrides: V2_PASS,
    src: PEER,
    advert: { priority: 200, authType: 0, password: 'secret' },
    reason: 'auth-type-mismatch',
  },
  {
    rule: 'RFC 3768 §7.1 "MUST verify that the Adver Interval in the packet is the same as the locally configured": 2 s against our 1 s',
    overrides: V2,
    src: PEER,
    advert: { priority: 200, intervalCs: 200 },
    reason: 'interval-mismatch',
  },
  {
    rule: 'RFC 3768 §7.1 address list differs and "Priority does not equal 255" -> MUST drop (v2)',
    overrides: V2,
    src: PEER,
    advert: { priority: 200, addresses: ['10.0.0.101'] },
    reason: 'address-list-mismatch',
  },
  {
    rule: 'RFC 3768 §7.1 (v2): the address list has an extra address -> MUST drop',
    overrides: V2,
    src: PEER,
    advert: { priority: 200, addresses: ['10.0.0.100', '10.0.0.101'] },
    reason: 'address-list-mismatch',
  },
  {
    rule: 'RFC 3768 §7.1 (v2): the address list is missing one of our two VIPs -> MUST drop',
    overrides: { ...V2, vips: ['10.0.0.100', '10.0.0.101'] },
    src: PEER,
    advert: { priority: 200, addresses: ['10.0.0.101'] },
    reason: 'address-list-mismatch',
  },
  {
    rule: 'RFC 3768 §7.1 (v2): a priority-0 advert with a different list is dropped too (only 255 passes)',
    overrides: V2,
    src: PEER,
    advert: { priority: 0, addresses: ['10.0.0.101'] },
    reason: 'address-list-mismatch',
  },
];

function started(
  state: 'backup' | 'master',
  overrides: Partial<VirtualRouterConfig>,
): { router: VirtualRouter; nowMs: number } {
  if (state === 'backup') return { router: startRouter(overrides).router, nowMs: 1000 };
  const { router, masterSinceMs } = startAsMaster(overrides);
  return { router, nowMs: masterSinceMs + 100 };
}

describe.each(['backup', 'master'] as const)('receive checks in %s', (state) => {
  it.each(DROPS)('$rule -> $reason', ({ overrides, src, advert, reason }) => {
    const { router, nowMs } = started(state, overrides);
    const before = router.snapshot();
    const deadline = router.nextDeadlineMs();
    expect(receive(router, nowMs, src, advert)).toEqual([{ type: 'advert-dropped', reason, src }]);
    // No state change, no timer change.
    expect(router.snapshot()).toEqual(before);
    expect(router.nextDeadlineMs()).toBe(deadline);
  });
});

describe('the unicast peer policy', () => {
  it('accepts a configured peer, and follows a policy change (mode auto switching to unicast)', () => {
    const { router, masterSinceMs: t } = startAsMaster({ unicastPeers: [PEER] });
    // From the peer, a higher priority: accepted, the MASTER steps down.
    const accepted = receive(router, t + 100, PEER, { priority: 200 });
    expect(accepted.some((a) => a.type === 'advert-dropped')).toBe(false);
    expect(router.snapshot().state).toBe('backup');
    router.handle({ type: 'peers', nowMs: t + 200, peers: ['192.0.2.77'] });
    expect(receive(router, t + 300, PEER, { priority: 200 })).toContainEqual({
      type: 'advert-dropped',
      reason: 'not-a-peer',
      src: PEER,
    });
    router.handle({ type: 'peers', nowMs: t + 400, peers: undefined });
    const any = receive(router, t + 500, PEER, { priority: 200 });
    expect(any.some((a) => a.type === 'advert-dropped')).toBe(false);
  });
});

describe('adverts that pass the receive checks', () => {
  it.each([
    {
      rule: 'RFC 2338 §5.3.6.1: the right password (type 1) is accepted',
      overrides: V2_PASS,
      advert: { priority: 200 },
      deadlineDeltaMs: MASTER_DOWN_MS,
    },
    {
      rule: 'RFC 3768 §7.1: no password configured and type 0 is accepted',
      overrides: V2,
      advert: { priority: 200 },
      deadlineDeltaMs: MASTER_DOWN_MS,
    },
    {
      rule: 'RFC 3768 §7.1: a different address list from the owner (priority 255) -> "SHOULD log ... otherwise continue processing"',
      overrides: V2,
      advert: { priority: 255, addresses: ['10.0.0.101'] },
      deadlineDeltaMs: MASTER_DOWN_MS,
      anomaly: true,
    },
    {
      rule: 'RFC 5798 §7.1: a different address list from the owner (priority 255) is processed and reported (v3)',
      overrides: {},
      advert: { priority: 255, addresses: ['10.0.0.101'] },
      deadlineDeltaMs: MASTER_DOWN_MS,
      anomaly: true,
    },
    {
      rule: 'RFC 5798 §7.1 "MAY verify ... the list of IPvX address(es)": checkAddressList false accepts a different list without a report (v3)',
      overrides: { checkAddressList: false },
      advert: { priority: 200, addresses: ['10.0.0.101'] },
      deadlineDeltaMs: MASTER_DOWN_MS,
    },
    {
      rule: 'RFC 3768 §7.1 "MAY verify": checkAddressList false accepts a different list without a drop (v2)',
      overrides: { ...V2, checkAddressList: false },
      advert: { priority: 200, addresses: ['10.0.0.101'] },
      deadlineDeltaMs: MASTER_DOWN_MS,
    },
    {
      rule: 'the same addresses in another order match',
      overrides: { vips: ['10.0.0.100', '10.0.0.101'] },
      advert: { priority: 200, addresses: ['10.0.0.101', '10.0.0.100'] },
      deadlineDeltaMs: MASTER_DOWN_MS,
    },
    {
      rule: 'RFC 5798 §6.4.2: v3 with a different interval (250 cs) is accepted and learned: 7500 + 156*2500/256',
      overrides: {},
      advert: { priority: 200, intervalCs: 250 },
      deadlineDeltaMs: 7500 + 1523.4375,
    },
  ] satisfies {
    rule: string;
    overrides: Partial<VirtualRouterConfig>;
    advert: AdvertFields;
    deadlineDeltaMs: number;
    anomaly?: boolean;
  }[])('$rule', ({ overrides, advert, deadlineDeltaMs, anomaly }) => {
    const { router } = startRouter(overrides);
    expect(receive(router, 1000, PEER, advert)).toEqual(
      anomaly === true
        ? [{ type: 'advert-anomaly', reason: 'address-list-mismatch', src: PEER }]
        : [],
    );
    expect(router.snapshot().masterAddress).toBe(PEER);
    expect(router.nextDeadlineMs()).toBe(1000 + deadlineDeltaMs);
  });

  it('an advert in Initialize (not started) is not heard at all: no action, no drop counted', () => {
    const { router } = startRouter();
    router.handle({ type: 'shutdown', nowMs: 10 });
    expect(receive(router, 20, PEER, { priority: 200, vrid: 52 })).toEqual([]);
    expect(router.snapshot().state).toBe('initialize');
  });
});

// RFC 5798 §7.1 (v3): "MAY verify that 'Count IPvX Addrs' and the list of IPvX address(es) match
// ... If the above check fails, the receiver SHOULD log the event and MAY indicate via network
// management that a misconfiguration was detected." No drop: v3 processes the advert and reports
// an 'advert-anomaly' first. RFC 3768 §7.1 (v2) adds "If the packet was not generated by the
// address owner (Priority does not equal 255 (decimal)), the receiver MUST drop the packet".
describe('address-list mismatch: v3 processes and reports, v2 drops', () => {
  const OTHER_LIST = ['10.0.0.101'];
  const ANOMALY = { type: 'advert-anomaly', reason: 'address-list-mismatch', src: PEER } as const;

  it.each([
    { rule: 'a different list', addresses: OTHER_LIST, vips: undefined },
    { rule: 'an extra address', addresses: ['10.0.0.100', '10.0.0.101'], vips: undefined },
    {
      rule: 'one of our two VIPs missing',
      addresses: OTHER_LIST,
      vips: ['10.0.0.100', '10.0.0.101'],
    },
  ])(
    'v3 BACKUP, $rule from a higher-priority master: anomaly, and the Master_Down_Timer is reset',
    ({ addresses, vips }) => {
      const { router } = startRouter(vips === undefined ? {} : { vips });
      expect(receive(router, 1000, PEER, { priority: 200, addresses })).toEqual([ANOMALY]);
      expect(router.nextDeadlineMs()).toBe(1000 + MASTER_DOWN_MS);
      expect(router.snapshot()).toMatchObject({ state: 'backup', masterAddress: PEER });
    },
  );

  it('v3 BACKUP: a mismatched advert with a 200 cs interval is learned like any other', () => {
    const { router } = startRouter();
    expect(
      receive(router, 1000, PEER, { priority: 200, intervalCs: 200, addresses: OTHER_LIST }),
    ).toEqual([ANOMALY]);
    expect(router.snapshot().masterAdvertIntervalCs).toBe(200);
    expect(router.nextDeadlineMs()).toBe(1000 + 7218.75);
  });

  it('v3 BACKUP: a mismatched priority-0 advert still pulls the timer to Skew_Time', () => {
    const { router } = startRouter();
    expect(receive(router, 1000, PEER, { priority: 0, addresses: OTHER_LIST })).toEqual([ANOMALY]);
    expect(router.nextDeadlineMs()).toBe(1000 + 609.375);
  });

  it('v3 MASTER, a mismatched advert from a higher-priority master: anomaly, then step down (preempted)', () => {
    const { router, masterSinceMs: t0 } = startAsMaster();
    const now = t0 + 300;
    expect(receive(router, now, PEER, { priority: 200, addresses: OTHER_LIST })).toEqual([
      ANOMALY,
      {
        type: 'transition',
        from: 'master',
        to: 'backup',
        reason: 'preempted',
        priority: 100,
        nowMs: now,
      },
      { type: 'del-vips', vips: ['10.0.0.100'] },
      { type: 'cloud-release' },
    ]);
    expect(router.snapshot()).toMatchObject({ state: 'backup', masterAddress: PEER });
    expect(router.nextDeadlineMs()).toBe(now + MASTER_DOWN_MS);
  });

  it('v3 MASTER, a mismatched advert from a lower-priority master: anomaly, then the answer advert', () => {
    const { router, masterSinceMs: t0 } = startAsMaster();
    const now = t0 + 300;
    const out = receive(router, now, PEER, { priority: 50, addresses: OTHER_LIST });
    expect(out.map((action) => action.type)).toEqual(['advert-anomaly', 'send-advert']);
    expect(out[0]).toEqual(ANOMALY);
    expect(router.snapshot().state).toBe('master');
    expect(router.nextDeadlineMs()).toBe(now + 1000);
  });

  it.each(['backup', 'master'] as const)(
    'v2 %s: a mismatched advert with priority 200 is dropped, no anomaly, no state or timer change',
    (state) => {
      const { router, nowMs } = started(state, V2);
      const before = router.snapshot();
      expect(receive(router, nowMs, PEER, { priority: 200, addresses: OTHER_LIST })).toEqual([
        { type: 'advert-dropped', reason: 'address-list-mismatch', src: PEER },
      ]);
      expect(router.snapshot()).toEqual(before);
    },
  );

  it('v2 MASTER: a mismatched advert from the owner (priority 255) is processed and reported: step down', () => {
    const { router, masterSinceMs: t0 } = startAsMaster(V2);
    const out = receive(router, t0 + 300, PEER, { priority: 255, addresses: OTHER_LIST });
    expect(out[0]).toEqual({ type: 'advert-anomaly', reason: 'address-list-mismatch', src: PEER });
    expect(out[1]).toMatchObject({ type: 'transition', to: 'backup', reason: 'preempted' });
    expect(out.some((action) => action.type === 'advert-dropped')).toBe(false);
    expect(router.snapshot().masterAddress).toBe(PEER);
  });

  it.each([
    { rule: 'v3 BACKUP', overrides: {}, state: 'backup' },
    { rule: 'v3 MASTER', overrides: {}, state: 'master' },
    { rule: 'v2 BACKUP', overrides: V2, state: 'backup' },
    { rule: 'v2 MASTER', overrides: V2, state: 'master' },
  ] as const)(
    'checkAddressList false, $rule: a higher-priority mismatched advert gives neither a drop nor an anomaly',
    ({ overrides, state }) => {
      const { router, masterSinceMs: t0 } =
        state === 'master'
          ? startAsMaster({ ...overrides, checkAddressList: false })
          : {
              router: startRouter({ ...overrides, checkAddressList: false }).router,
              masterSinceMs: 0,
            };
      const now = t0 + 1000;
      const out = receive(router, now, PEER, { priority: 200, addresses: OTHER_LIST });
      expect(out.filter((a) => a.type === 'advert-dropped' || a.type === 'advert-anomaly')).toEqual(
        [],
      );
      // Processed: a Master steps down, a Backup resets its timer.
      expect(router.snapshot()).toMatchObject({ state: 'backup', masterAddress: PEER });
      expect(router.nextDeadlineMs()).toBe(now + MASTER_DOWN_MS);
      expect(out.map((a) => a.type)).toEqual(
        state === 'master' ? ['transition', 'del-vips', 'cloud-release'] : [],
      );
    },
  );
});
