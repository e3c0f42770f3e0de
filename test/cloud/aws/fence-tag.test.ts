// Fencing record encoding: round trip, tolerant parsing, and where each target's records live.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeFence,
  fenceResourceId,
  fenceTagKey,
  parseFence,
  parseFenceTag,
} from '../../../src/cloud/aws/fence-tag.js';
import type { CloudTarget } from '../../../src/cloud/target.js';

const vip: CloudTarget = { kind: 'secondary-ip', address: '10.0.1.50' };
const eip: CloudTarget = { kind: 'elastic-ip', allocationId: 'eipalloc-1', privateIp: '10.0.1.50' };
const route: CloudTarget = {
  kind: 'route-table',
  routeTableIds: ['rtb-1', 'rtb-2'],
  destinationCidr: '192.168.100.10/32',
};

describe('encodeFence / parseFence', () => {
  it('encodes a compact, versioned line', () => {
    expect(encodeFence({ term: 12, owner: 'i-0abc', beat: 3, released: true })).toBe(
      'v1 term=12 owner=i-0abc beat=3 released=1',
    );
  });

  it('round-trips any valid record', () => {
    fc.assert(
      fc.property(
        fc.record({
          term: fc.maxSafeNat().filter((n) => n < 1e16),
          owner: fc.stringMatching(/^i-[0-9a-f]{8,17}$/),
          beat: fc.nat(),
          released: fc.boolean(),
        }),
        (record) => {
          expect(parseFence(encodeFence(record))).toEqual(record);
        },
      ),
    );
  });

  it('accepts fields in any order and ignores unknown ones', () => {
    expect(parseFence('v1 beat=2 released=0 extra=x owner=i-1 term=9')).toEqual({
      term: 9,
      owner: 'i-1',
      beat: 2,
      released: false,
    });
  });

  it.each([
    undefined,
    '',
    'garbage',
    'v2 term=1 owner=i-1 beat=0 released=0',
    'v1 term=1 owner=i-1 beat=0',
    'v1 term=-1 owner=i-1 beat=0 released=0',
    'v1 term=1.5 owner=i-1 beat=0 released=0',
    'v1 term=1 owner=i-1 beat=0 released=yes',
    'v1 term=1 term=2 owner=i-1 beat=0 released=0',
    'v1 term=99999999999999999 owner=i-1 beat=0 released=0',
    'v1 term=1 owner= beat=0 released=0',
  ])('garbage %j parses to undefined', (value) => {
    expect(parseFence(value)).toBeUndefined();
  });

  it('refuses to encode a record it could not read back', () => {
    expect(() => encodeFence({ term: -1, owner: 'i-1', beat: 0, released: false })).toThrow(/term/);
    expect(() => encodeFence({ term: 1, owner: 'i 1', beat: 0, released: false })).toThrow(/owner/);
  });
});

describe('tag keys and resources', () => {
  it('one key per target and agent, on a resource every contender reads', () => {
    expect(fenceTagKey(vip, 'i-0a')).toBe('floatd:fence:10.0.1.50:i-0a');
    expect(fenceTagKey(eip, 'i-0a')).toBe('floatd:fence:eipalloc-1:i-0a');
    expect(fenceTagKey(route, 'i-0a')).toBe('floatd:fence:192.168.100.10/32:i-0a');
    expect(fenceResourceId(vip, 'subnet-1')).toBe('subnet-1');
    expect(fenceResourceId(eip, 'subnet-1')).toBe('eipalloc-1');
    expect(fenceResourceId(route, 'subnet-1')).toBe('rtb-1');
  });

  it("reads a tag only if it is this target's and the value names the key's writer", () => {
    const value = 'v1 term=1 owner=i-0a beat=0 released=0';
    expect(parseFenceTag(vip, 'floatd:fence:10.0.1.50:i-0a', value)?.owner).toBe('i-0a');
    expect(parseFenceTag(vip, 'floatd:fence:10.0.1.5:i-0a', value)).toBeUndefined();
    expect(parseFenceTag(vip, 'floatd:fence:10.0.1.50:i-0b', value)).toBeUndefined();
    expect(parseFenceTag(vip, 'Name', value)).toBeUndefined();
  });
});
