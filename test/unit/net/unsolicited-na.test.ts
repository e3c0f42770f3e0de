// The unsolicited NA message (RFC 4861 §4.4, §7.2.6) and how the sender uses its socket.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  encodeUnsolicitedNa,
  NeighbourAdvertSender,
  type IcmpV6Socket,
} from '../../../src/agent/net/unsolicited-na.js';

const logger = pino({ level: 'silent' });

describe('encodeUnsolicitedNa', () => {
  it('builds type 136 with Override, the target and its link-layer address option', () => {
    const na = encodeUnsolicitedNa('fd00::1:100', '02:00:5e:00:01:33', { router: false });
    expect(na.toString('hex')).toBe(
      [
        '88', // type 136
        '00', // code
        '0000', // checksum: the kernel's (RFC 3542 §3.1)
        '20000000', // R=0 S=0 O=1
        'fd000000000000000000000000010100', // target
        '02', // option: target link-layer address
        '01', // length 1 (8 octets)
        '02005e000133',
      ].join(''),
    );
  });

  it('sets the Router flag for a router and never the Solicited flag', () => {
    const na = encodeUnsolicitedNa('2001:db8::1', 'aa:bb:cc:dd:ee:ff', { router: true });
    expect(na[4]).toBe(0xa0);
  });

  it('rejects a multicast target, a non-IPv6 target and a bad MAC', () => {
    expect(() => encodeUnsolicitedNa('ff02::1', 'aa:bb:cc:dd:ee:ff', { router: false })).toThrow(
      expect.objectContaining({ code: 'FLOATD_ERR_NET_NA' }),
    );
    expect(() => encodeUnsolicitedNa('10.0.0.1', 'aa:bb:cc:dd:ee:ff', { router: false })).toThrow(
      /not an IPv6 address/,
    );
    expect(() => encodeUnsolicitedNa('fd00::1', 'aa:bb:cc:dd:ee', { router: false })).toThrow(
      /MAC/,
    );
  });
});

describe('NeighbourAdvertSender', () => {
  function fakeSocket() {
    const sent: { bytes: Buffer; address: string }[] = [];
    let opened = 0;
    let closed = 0;
    const socket: IcmpV6Socket = {
      send: (buffer, offset, length, address, done) => {
        sent.push({ bytes: Buffer.from(buffer.subarray(offset, offset + length)), address });
        done(null, length);
      },
      setOption: () => undefined,
      pauseRecv: () => undefined,
      on: () => undefined,
      close: () => void closed++,
    };
    const open = (): IcmpV6Socket => {
      opened++;
      return socket;
    };
    return { sent, open, counts: () => ({ opened, closed }) };
  }

  it('sends to all-nodes on the VIP device, with the device MAC and router flag', () => {
    const s = fakeSocket();
    const sender = new NeighbourAdvertSender({
      logger,
      openSocket: s.open,
      macOf: (dev) => (dev === 'eth1' ? '02:00:00:00:00:01' : undefined),
      isRouter: (dev) => dev === 'eth1',
    });
    sender.send({ address: 'fd00::100', prefixLength: 64, device: 'eth1' });
    sender.send({ address: 'fd00::101', prefixLength: 64, device: 'eth1' });
    sender.send({ address: 'fd00::102', prefixLength: 64, device: 'eth2' }); // no MAC: logged
    expect(s.sent.map((p) => p.address)).toEqual(['ff02::1%eth1', 'ff02::1%eth1']);
    expect(s.sent[0]?.bytes).toEqual(
      encodeUnsolicitedNa('fd00::100', '02:00:00:00:00:01', { router: true }),
    );
    expect(s.counts()).toEqual({ opened: 1, closed: 0 });
    sender.close();
    sender.send({ address: 'fd00::100', prefixLength: 64, device: 'eth1' });
    expect(s.sent).toHaveLength(2);
    expect(s.counts()).toEqual({ opened: 1, closed: 1 });
  });

  it('never throws when the socket cannot be opened, and retries at the next send', () => {
    let attempts = 0;
    const sender = new NeighbourAdvertSender({
      logger,
      openSocket: () => {
        attempts++;
        throw new Error('EPERM');
      },
      macOf: () => '02:00:00:00:00:01',
      isRouter: () => false,
    });
    const v = { address: 'fd00::100', prefixLength: 64, device: 'eth0' };
    expect(() => sender.send(v)).not.toThrow();
    expect(() => sender.send(v)).not.toThrow();
    expect(attempts).toBe(2);
    expect(() => sender.open()).toThrow('EPERM');
  });
});
