import { describe, expect, it } from 'vitest';

import {
  compareIp,
  formatIp,
  InvalidIpAddressError,
  ipFamilyOf,
  parseIp,
} from '../../../src/agent/vrrp/codec/index.js';

describe('parseIp / formatIp', () => {
  it('parses dotted quads and IPv6 to 4 and 16 bytes', () => {
    expect(parseIp('10.99.0.100').toString('hex')).toBe('0a630064');
    expect(parseIp('255.255.255.255').toString('hex')).toBe('ffffffff');
    expect(parseIp('fe80::1').toString('hex')).toBe('fe800000000000000000000000000001');
    expect(parseIp('::ffff:192.0.2.1').toString('hex')).toBe('00000000000000000000ffffc0000201');
  });

  it.each([
    ['10.1', 'short IPv4 form'],
    ['010.0.0.1', 'leading zero (octal to some parsers)'],
    ['0x0a.0.0.1', 'hex octet'],
    ['256.0.0.1', 'octet out of range'],
    [' 10.0.0.1', 'whitespace'],
    ['1::2::3', 'two ::'],
    ['2001:db8::1/64', 'a prefix'],
    ['fe80::1%eth0', 'a zone index'],
    ['::1.2.3.4', 'the deprecated IPv4-compatible form'],
    ['', 'empty'],
    ['example.com', 'a name'],
  ])('rejects %j (%s) with a typed error', (text) => {
    expect(() => parseIp(text)).toThrow(
      expect.objectContaining({
        name: 'InvalidIpAddressError',
        code: 'FLOATD_ERR_INVALID_IP_ADDRESS',
        text,
      }) as unknown as Error,
    );
    expect(() => parseIp(text)).toThrow(InvalidIpAddressError);
  });

  it.each([
    // RFC 5952 §4: lower case, no leading zeros, longest run of zeros as ::, first on a tie,
    // and a single zero group is not shortened.
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['FF02:0:0:0:0:0:0:12', 'ff02::12'],
  ])('formats %s as %s', (text, canonical) => {
    expect(formatIp(parseIp(text))).toBe(canonical);
  });

  it('formats IPv4 bytes as a dotted quad and refuses other lengths', () => {
    expect(formatIp(Buffer.from([224, 0, 0, 18]))).toBe('224.0.0.18');
    expect(() => formatIp(Buffer.alloc(5))).toThrow(InvalidIpAddressError);
  });
});

describe('ipFamilyOf', () => {
  it('agrees with parseIp', () => {
    expect(ipFamilyOf('10.0.0.1')).toBe('ipv4');
    expect(ipFamilyOf('fe80::1')).toBe('ipv6');
    expect(ipFamilyOf('10.1')).toBeUndefined();
    expect(ipFamilyOf('nonsense')).toBeUndefined();
  });
});

describe('compareIp (RFC 5798 §6.4.3 tie-break)', () => {
  it('compares as unsigned big-endian integers, not as text', () => {
    expect(compareIp('10.0.0.10', '10.0.0.9')).toBe(1); // text order says otherwise
    expect(compareIp('128.0.0.0', '127.255.255.255')).toBe(1); // no sign bit
    expect(compareIp('10.99.0.1', '10.99.0.2')).toBe(-1);
    expect(compareIp('10.99.0.2', '10.99.0.2')).toBe(0);
    expect(compareIp('ffff::', '7fff::')).toBe(1);
    expect(compareIp('fe80::2', 'fe80::10')).toBe(-1);
    expect(compareIp('FE80::A', 'fe80::a')).toBe(0);
  });

  it('refuses to compare across families', () => {
    expect(() => compareIp('10.0.0.1', '::1')).toThrow(InvalidIpAddressError);
  });
});
