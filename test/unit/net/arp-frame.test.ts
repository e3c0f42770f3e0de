// The gratuitous ARP frame against keepalived 2.2.7's own (../shared/vectors/.../garp.pcap,
// frame 1: "ee:c6:c0:26:63:06 > ff:ff:ff:ff:ff:ff, ARP, Request who-has 10.99.0.100
// (ff:ff:ff:ff:ff:ff) tell 10.99.0.100, length 28"), byte for byte.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  encodeGratuitousArp,
  GARP_FRAME_BYTES,
  garpTemplate,
} from '../../../src/agent/net/arp-frame.js';
import { LINKTYPE_ETHERNET, readPcap } from '../../helpers/pcap.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const capture = path.resolve(repoRoot, '../shared/vectors/keepalived-2.2.7/garp.pcap');
const mac = (text: string): Buffer => Buffer.from(text.replaceAll(':', ''), 'hex');

describe('encodeGratuitousArp', () => {
  it("is keepalived's GARP frame, byte for byte", () => {
    const pcap = readPcap(readFileSync(capture));
    expect(pcap.linkType).toBe(LINKTYPE_ETHERNET);
    const keepalived = pcap.records[0];
    expect(keepalived?.originalLength).toBe(GARP_FRAME_BYTES);
    const ours = encodeGratuitousArp(mac('ee:c6:c0:26:63:06'), '10.99.0.100');
    expect(ours.toString('hex')).toBe(keepalived?.data.toString('hex'));
  });

  it('puts the MAC and the VIP where a neighbour reads them', () => {
    const frame = encodeGratuitousArp(mac('02:00:5e:00:01:07'), '192.0.2.250');
    expect(frame.toString('hex')).toBe(
      [
        'ffffffffffff', // Ethernet destination: broadcast
        '02005e000107', // Ethernet source: our MAC
        '0806', // ARP
        '0001', // hardware type Ethernet
        '0800', // protocol IPv4
        '06', // hardware address length
        '04', // protocol address length
        '0001', // request
        '02005e000107', // sender MAC
        'c00002fa', // sender IP: the VIP
        'ffffffffffff', // target MAC
        'c00002fa', // target IP: the VIP again
      ].join(''),
    );
  });

  it('one template per MAC gives an independent frame per VIP', () => {
    const template = garpTemplate(mac('02:00:5e:00:01:07'));
    const a = template.withAddress('10.0.0.1');
    const b = template.withAddress('10.0.0.2');
    expect(a).toEqual(encodeGratuitousArp(mac('02:00:5e:00:01:07'), '10.0.0.1'));
    expect(b).toEqual(encodeGratuitousArp(mac('02:00:5e:00:01:07'), '10.0.0.2'));
  });

  it('refuses what is not an Ethernet MAC or an IPv4 address (FLOATD_ERR_GARP)', () => {
    const good = mac('02:00:5e:00:01:07');
    expect(() => encodeGratuitousArp(Buffer.alloc(0), '10.0.0.1')).toThrow(
      expect.objectContaining({ code: 'FLOATD_ERR_GARP' }),
    );
    for (const bad of ['fd00::1', '10.0.0', '10.0.0.256', '0x0a.0.0.1', '']) {
      expect(() => encodeGratuitousArp(good, bad), bad).toThrow(/not an IPv4 address/);
    }
  });
});
