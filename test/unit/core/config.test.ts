// The core's own config checks (RFC 5798 §5.2, RFC 3768 §5.3): a bad config throws
// VrrpConfigError with the stable code FLOATD_ERR_VRRP_CONFIG and one problem per fault, each starting
// with the config key it is about.
import { describe, expect, it } from 'vitest';

import { FloatdError, VrrpConfigError } from '../../../src/agent/errors.js';
import { VirtualRouter } from '../../../src/agent/vrrp/router.js';
import type { VrrpVersion } from '../../../src/agent/vrrp/codec/types.js';
import type { VirtualRouterConfig } from '../../../src/agent/vrrp/types.js';
import { makeConfig } from './helpers.js';

const V6: Partial<VirtualRouterConfig> = {
  family: 'ipv6',
  primaryAddress: 'fe80::1',
  vips: ['2001:db8::100'],
};

function configError(overrides: Partial<VirtualRouterConfig>): VrrpConfigError {
  try {
    new VirtualRouter(makeConfig(overrides));
  } catch (err) {
    if (err instanceof VrrpConfigError) return err;
    throw err;
  }
  throw new Error('expected VrrpConfigError, nothing was thrown');
}

/** "vips: ..." or "vrid must ...": the key, then a space or a colon (not "vipsExtra"). */
function startsWithKey(problem: string | undefined, key: string): boolean {
  return problem !== undefined && new RegExp(`^${key}[ :]`).test(problem);
}

describe('VirtualRouter constructor: invalid config -> VrrpConfigError', () => {
  // Each problem starts with the config key it is about (the YAML layer maps keys to file/line).
  it.each([
    {
      rule: 'vrid 0 (RFC 5798 §5.2.3: 1-255)',
      overrides: { vrid: 0 },
      key: 'vrid',
      problem: 'vrid must be an integer from 1 to 255, got 0',
    },
    {
      rule: 'vrid 256',
      overrides: { vrid: 256 },
      key: 'vrid',
      problem: 'vrid must be an integer from 1 to 255, got 256',
    },
    {
      rule: 'vrid 1.5',
      overrides: { vrid: 1.5 },
      key: 'vrid',
      problem: 'vrid must be an integer from 1 to 255, got 1.5',
    },
    {
      rule: 'priority 0 (RFC 5798 §5.2.4: 0 is "stop")',
      overrides: { priority: 0 },
      key: 'priority',
      problem: 'priority must be an integer from 1 to 255, got 0',
    },
    {
      rule: 'priority 256',
      overrides: { priority: 256 },
      key: 'priority',
      problem: 'priority must be an integer from 1 to 255, got 256',
    },
    {
      rule: 'version 4',
      overrides: { version: 4 as unknown as VrrpVersion },
      key: 'version',
      problem: 'version must be 2 or 3, got 4',
    },
    {
      rule: 'v2 with IPv6 (RFC 3768 is IPv4 only)',
      overrides: { ...V6, version: 2 },
      key: 'family',
      problem: 'family must be ipv4 for version 2 (RFC 3768)',
    },
    {
      rule: 'v2 with 150 cs (RFC 3768 §5.3.7: whole seconds)',
      overrides: { version: 2, advertIntervalCs: 150 },
      key: 'advertIntervalCs',
      problem: 'advertIntervalCs must be a multiple of 100: v2 carries whole seconds',
    },
    {
      rule: 'v2 with 0 s',
      overrides: { version: 2, advertIntervalCs: 0 },
      key: 'advertIntervalCs',
      problem: 'advertIntervalCs must be an integer from 100 to 25500, got 0',
    },
    {
      rule: 'v2 with 256 s (RFC 3768 §5.3.7: 8 bits)',
      overrides: { version: 2, advertIntervalCs: 25600 },
      key: 'advertIntervalCs',
      problem: 'advertIntervalCs must be an integer from 100 to 25500, got 25600',
    },
    {
      rule: 'v3 interval 4096 cs (RFC 5798 §5.2.7: 12 bits)',
      overrides: { advertIntervalCs: 4096 },
      key: 'advertIntervalCs',
      problem: 'advertIntervalCs must be an integer from 1 to 4095, got 4096',
    },
    {
      rule: 'v3 interval 0 cs',
      overrides: { advertIntervalCs: 0 },
      key: 'advertIntervalCs',
      problem: 'advertIntervalCs must be an integer from 1 to 4095, got 0',
    },
    {
      rule: 'no VIPs',
      overrides: { vips: [] },
      key: 'vips',
      problem: 'vips must hold at least one address',
    },
    {
      rule: 'a VIP of the wrong family',
      overrides: { vips: ['2001:db8::100'] },
      key: 'vips',
      problem: 'vips: 2001:db8::100 is not an ipv4 address',
    },
    {
      rule: 'an IPv4 VIP on IPv6',
      overrides: { ...V6, vips: ['10.0.0.100'] },
      key: 'vips',
      problem: 'vips: 10.0.0.100 is not an ipv6 address',
    },
    {
      rule: 'primary address of the wrong family',
      overrides: { primaryAddress: 'fe80::1' },
      key: 'primaryAddress',
      problem: 'primaryAddress fe80::1 is not an ipv4 address',
    },
    {
      rule: 'a password on v3 (RFC 5798 §9 removed authentication)',
      overrides: { authPassword: 'secret' },
      key: 'authPassword',
      problem: 'authPassword is only for version 2 (RFC 5798 removed authentication)',
    },
    {
      rule: 'negative preemptDelayMs',
      overrides: { preemptDelayMs: -1 },
      key: 'preemptDelayMs',
      problem: 'preemptDelayMs must be >= 0, got -1',
    },
  ] satisfies {
    rule: string;
    overrides: Partial<VirtualRouterConfig>;
    key: keyof VirtualRouterConfig;
    problem: string;
  }[])('$rule -> a problem about $key', ({ overrides, key, problem }) => {
    expect(() => new VirtualRouter(makeConfig(overrides))).toThrow(VrrpConfigError);
    const err = configError(overrides);
    expect(err).toBeInstanceOf(FloatdError);
    expect(err.code).toBe('FLOATD_ERR_VRRP_CONFIG');
    expect(err.problems).toHaveLength(1);
    expect(startsWithKey(err.problems[0], key)).toBe(true);
    expect(err.problems[0]).toBe(problem);
    expect(err.message).toContain(problem);
  });

  it('reports every problem at once, each naming its key', () => {
    const err = configError({ vrid: 0, priority: 0, vips: ['10.0.0.100', 'fe80::9'] });
    expect(err.problems).toEqual([
      'vrid must be an integer from 1 to 255, got 0',
      'priority must be an integer from 1 to 255, got 0',
      'vips: fe80::9 is not an ipv4 address',
    ]);
    expect(err.problems.map((problem) => problem.split(/[ :]/, 1)[0])).toEqual([
      'vrid',
      'priority',
      'vips',
    ]);
  });

  it('every VIP of the wrong family is its own problem', () => {
    const err = configError({ vips: ['2001:db8::1', '10.0.0.100', '2001:db8::2'] });
    expect(err.problems).toEqual([
      'vips: 2001:db8::1 is not an ipv4 address',
      'vips: 2001:db8::2 is not an ipv4 address',
    ]);
  });

  it.each([
    { rule: 'the defaults', overrides: {} },
    { rule: 'v2 at 255 s', overrides: { version: 2, advertIntervalCs: 25500, authPassword: 'pw' } },
    { rule: 'v3 at 4095 cs', overrides: { advertIntervalCs: 4095 } },
    { rule: 'v3 IPv6', overrides: V6 },
    { rule: 'vrid 255, owner', overrides: { vrid: 255, priority: 255 } },
  ] satisfies { rule: string; overrides: Partial<VirtualRouterConfig> }[])(
    'a valid config is accepted: $rule',
    ({ overrides }) => {
      expect(new VirtualRouter(makeConfig(overrides)).snapshot().state).toBe('initialize');
    },
  );
});
