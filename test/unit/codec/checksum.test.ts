import { describe, expect, it } from 'vitest';

import { internetChecksum } from '../../../src/agent/vrrp/codec/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('internetChecksum (RFC 1071)', () => {
  it('matches the RFC 1071 §3 numerical example', () => {
    // 00 01 f2 03 f4 f5 f6 f7: one's complement sum 0xddf2, checksum 0x220d.
    expect(internetChecksum(hex('0001 f203 f4f5 f6f7'))).toBe(0x220d);
  });

  it('treats several buffers as one byte stream, odd lengths included', () => {
    const whole = internetChecksum(hex('0001 f203 f4f5 f6f7'));
    expect(internetChecksum(hex('00'), hex('01f2 03'), hex(''), hex('f4f5f6'), hex('f7'))).toBe(
      whole,
    );
    expect(internetChecksum(hex('0001f2'), hex('03f4f5f6f7'))).toBe(whole);
  });

  it('pads a trailing odd byte with zero', () => {
    expect(internetChecksum(hex('ab'))).toBe(internetChecksum(hex('ab00')));
    expect(internetChecksum(hex('ab'))).toBe(~0xab00 & 0xffff);
  });

  it('gives 0xffff for no data and 0 over data that includes its own checksum', () => {
    expect(internetChecksum()).toBe(0xffff);
    const data = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    const sum = internetChecksum(data);
    expect(sum).toBe(0xb861); // the classic Wikipedia IPv4 header example
    data.writeUInt16BE(sum, 10);
    expect(internetChecksum(data)).toBe(0);
  });

  it('folds carries of long inputs', () => {
    const ones = Buffer.alloc(200_001, 0xff);
    // Every 16-bit word is 0xffff (negative zero); the odd byte adds 0xff00.
    expect(internetChecksum(ones)).toBe(~0xff00 & 0xffff);
  });
});
