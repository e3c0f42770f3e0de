// The capability check of `floatd run`: CapEff from /proc/self/status, the missing ones named
// with how to grant them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  effectiveCapabilities,
  missingCapabilities,
  missingCapabilitiesLine,
} from '../../../src/agent/process/capabilities.js';

// Docker's default set for root in a container: NET_RAW (13) but not NET_ADMIN (12).
const DOCKER_DEFAULT = 'Name:\tfloatd\nCapInh:\t0000000000000000\nCapEff:\t00000000a80425fb\n';

describe('capabilities', () => {
  it("reads CapEff and finds what Docker's default set lacks", () => {
    const effective = effectiveCapabilities(DOCKER_DEFAULT);
    expect(effective).toBe(0xa80425fbn);
    expect(missingCapabilities(effective as bigint, ['CAP_NET_RAW', 'CAP_NET_ADMIN'])).toEqual([
      'CAP_NET_ADMIN',
    ]);
  });

  it('a full set lacks nothing; an empty one lacks both', () => {
    expect(missingCapabilities(0x1ffffffffffn, ['CAP_NET_RAW', 'CAP_NET_ADMIN'])).toEqual([]);
    expect(missingCapabilities(0n, ['CAP_NET_RAW', 'CAP_NET_ADMIN'])).toEqual([
      'CAP_NET_RAW',
      'CAP_NET_ADMIN',
    ]);
  });

  it('names what is missing, what for, and how to grant it', () => {
    const line = missingCapabilitiesLine(['CAP_NET_ADMIN']);
    expect(line).toContain('CAP_NET_ADMIN (adding and removing the VIPs)');
    expect(line).toContain('--cap-add NET_ADMIN');
    expect(line).not.toContain('\n');
  });

  it('this process has a CapEff line (Linux)', () => {
    expect(effectiveCapabilities(readFileSync('/proc/self/status', 'utf8'))).toBeTypeOf('bigint');
  });

  it('no CapEff line: undefined', () => {
    expect(effectiveCapabilities('Name:\tx\n')).toBeUndefined();
  });
});
