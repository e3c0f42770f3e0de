// VIP text helpers: one spelling per address (the per-address queue's key), and the fast path
// for plain dotted quads that the failover path takes.
import { describe, expect, it } from 'vitest';
import { canonicalAddress, dottedQuad } from '../../../src/agent/net/vip.js';

describe('canonicalAddress', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['255.255.255.255', '255.255.255.255'],
    ['fd00:0:0::1', 'fd00::1'],
    ['FD00::0001', 'fd00::1'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['eth0', 'eth0'], // not an address: unchanged
  ])('%s -> %s', (text, canonical) => {
    expect(canonicalAddress(text)).toBe(canonical);
  });
});

describe('dottedQuad', () => {
  it.each([
    ['10.0.0.1', [10, 0, 0, 1]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['192.168.255.254', [192, 168, 255, 254]],
  ])('%s', (text, bytes) => {
    expect(dottedQuad(text)).toEqual(Buffer.from(bytes));
  });

  it.each(['010.0.0.1', '256.0.0.1', '10.0.0', '10.0.0.1.2', ' 10.0.0.1', '10.0.0.-1', 'fd00::1'])(
    'not a plain dotted quad: %j',
    (text) => {
      expect(dottedQuad(text)).toBeUndefined();
    },
  );
});
