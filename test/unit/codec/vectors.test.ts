// keepalived 2.2.7 captures (../shared/vectors/keepalived-2.2.7): every VRRP advert must
// decode to what tcpdump shows and re-encode to the captured bytes exactly.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  decodeIpv4Packet,
  encodeIpv4Packet,
  encodeVrrpMessage,
} from '../../../src/agent/vrrp/codec/index.js';
import type { ReceivedAdvert } from '../../../src/agent/vrrp/codec/index.js';
import { classifyFrame, LINKTYPE_ETHERNET, readPcap } from '../../helpers/pcap.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const vectorsDir = path.resolve(repoRoot, '../shared/vectors/keepalived-2.2.7');

interface Expected {
  readonly frame: number;
  readonly src: string;
  readonly dst: string;
  readonly tos: number;
  readonly ttl: number;
  readonly id: number;
  readonly dontFragment: boolean;
  readonly version: 2 | 3;
  readonly vrid: number;
  readonly priority: number;
  /** Seconds for v2, centiseconds for v3, as tcpdump prints "intvl". */
  readonly interval: number;
  readonly authType: 0 | 1 | undefined;
  readonly addresses: readonly string[];
  /** Not printed by tcpdump -v: from its -x hex dump, VRRP bytes 6-7. */
  readonly checksum: number;
}

// Transcribed from `tcpdump -r FILE -nn -v -x -#`: the two comment lines quote tcpdump.
// prettier-ignore
const EXPECTED: Record<string, readonly Expected[]> = {
  'garp.pcap': [
  ],
  'v2-mcast-term.pcap': [
    // (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 1, src: '10.99.0.1', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 1, dontFragment: false, version: 2, vrid: 51, priority: 150, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x3e03 },
    // (tos 0xc0, ttl 255, id 2, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 7, src: '10.99.0.1', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 2, dontFragment: false, version: 2, vrid: 51, priority: 150, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x3e03 },
    // (tos 0xc0, ttl 255, id 3, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 8, src: '10.99.0.1', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 3, dontFragment: false, version: 2, vrid: 51, priority: 150, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x3e03 },
    // (tos 0xc0, ttl 255, id 4, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 11, src: '10.99.0.1', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 4, dontFragment: false, version: 2, vrid: 51, priority: 150, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x3e03 },
    // (tos 0xc0, ttl 255, id 5, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 0, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 12, src: '10.99.0.1', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 5, dontFragment: false, version: 2, vrid: 51, priority: 0, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0xd403 },
    // (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.2 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 13, src: '10.99.0.2', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 1, dontFragment: false, version: 2, vrid: 51, priority: 100, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x7003 },
    // (tos 0xc0, ttl 255, id 2, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.2 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 19, src: '10.99.0.2', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 2, dontFragment: false, version: 2, vrid: 51, priority: 100, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x7003 },
    // (tos 0xc0, ttl 255, id 3, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.2 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 20, src: '10.99.0.2', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 3, dontFragment: false, version: 2, vrid: 51, priority: 100, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x7003 },
    // (tos 0xc0, ttl 255, id 4, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.2 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 21, src: '10.99.0.2', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 4, dontFragment: false, version: 2, vrid: 51, priority: 100, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x7003 },
    // (tos 0xc0, ttl 255, id 5, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.2 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 0, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 22, src: '10.99.0.2', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 5, dontFragment: false, version: 2, vrid: 51, priority: 0, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0xd403 },
  ],
  'v2-ucast-term.pcap': [
    // (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.1 > 10.99.0.2: VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 3, src: '10.99.0.1', dst: '10.99.0.2', tos: 0xc0, ttl: 255, id: 1, dontFragment: false, version: 2, vrid: 51, priority: 150, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x3e03 },
    // (tos 0xc0, ttl 255, id 2, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.1 > 10.99.0.2: VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 9, src: '10.99.0.1', dst: '10.99.0.2', tos: 0xc0, ttl: 255, id: 2, dontFragment: false, version: 2, vrid: 51, priority: 150, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x3e03 },
    // (tos 0xc0, ttl 255, id 3, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.1 > 10.99.0.2: VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 10, src: '10.99.0.1', dst: '10.99.0.2', tos: 0xc0, ttl: 255, id: 3, dontFragment: false, version: 2, vrid: 51, priority: 150, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x3e03 },
    // (tos 0xc0, ttl 255, id 4, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.1 > 10.99.0.2: VRRPv2, Advertisement, vrid 51, prio 150, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 13, src: '10.99.0.1', dst: '10.99.0.2', tos: 0xc0, ttl: 255, id: 4, dontFragment: false, version: 2, vrid: 51, priority: 150, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x3e03 },
    // (tos 0xc0, ttl 255, id 5, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.1 > 10.99.0.2: VRRPv2, Advertisement, vrid 51, prio 0, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 14, src: '10.99.0.1', dst: '10.99.0.2', tos: 0xc0, ttl: 255, id: 5, dontFragment: false, version: 2, vrid: 51, priority: 0, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0xd403 },
    // (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.2 > 10.99.0.1: VRRPv2, Advertisement, vrid 51, prio 100, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 15, src: '10.99.0.2', dst: '10.99.0.1', tos: 0xc0, ttl: 255, id: 1, dontFragment: false, version: 2, vrid: 51, priority: 100, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x7003 },
    // (tos 0xc0, ttl 255, id 2, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.2 > 10.99.0.1: VRRPv2, Advertisement, vrid 51, prio 100, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 21, src: '10.99.0.2', dst: '10.99.0.1', tos: 0xc0, ttl: 255, id: 2, dontFragment: false, version: 2, vrid: 51, priority: 100, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x7003 },
    // (tos 0xc0, ttl 255, id 3, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.2 > 10.99.0.1: VRRPv2, Advertisement, vrid 51, prio 100, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 22, src: '10.99.0.2', dst: '10.99.0.1', tos: 0xc0, ttl: 255, id: 3, dontFragment: false, version: 2, vrid: 51, priority: 100, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0x7003 },
    // (tos 0xc0, ttl 255, id 4, offset 0, flags [none], proto VRRP (112), length 40)
    // 10.99.0.2 > 10.99.0.1: VRRPv2, Advertisement, vrid 51, prio 0, authtype none, intvl 1s, length 20, addrs: 10.99.0.100
    { frame: 23, src: '10.99.0.2', dst: '10.99.0.1', tos: 0xc0, ttl: 255, id: 4, dontFragment: false, version: 2, vrid: 51, priority: 0, interval: 1, authType: 0, addresses: ['10.99.0.100'], checksum: 0xd403 },
  ],
  'v3-mcast-term.pcap': [
    // (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 1, src: '10.99.0.1', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 1, dontFragment: false, version: 3, vrid: 51, priority: 150, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x42ad },
    // (tos 0xc0, ttl 255, id 2, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 7, src: '10.99.0.1', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 2, dontFragment: false, version: 3, vrid: 51, priority: 150, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x42ad },
    // (tos 0xc0, ttl 255, id 3, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 8, src: '10.99.0.1', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 3, dontFragment: false, version: 3, vrid: 51, priority: 150, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x42ad },
    // (tos 0xc0, ttl 255, id 4, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 9, src: '10.99.0.1', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 4, dontFragment: false, version: 3, vrid: 51, priority: 150, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x42ad },
    // (tos 0xc0, ttl 255, id 5, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 0, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 10, src: '10.99.0.1', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 5, dontFragment: false, version: 3, vrid: 51, priority: 0, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0xd8ad },
    // (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.2 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 100, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 11, src: '10.99.0.2', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 1, dontFragment: false, version: 3, vrid: 51, priority: 100, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x74ac },
    // (tos 0xc0, ttl 255, id 2, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.2 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 100, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 17, src: '10.99.0.2', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 2, dontFragment: false, version: 3, vrid: 51, priority: 100, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x74ac },
    // (tos 0xc0, ttl 255, id 3, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.2 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 100, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 18, src: '10.99.0.2', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 3, dontFragment: false, version: 3, vrid: 51, priority: 100, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x74ac },
    // (tos 0xc0, ttl 255, id 4, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.2 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 0, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 19, src: '10.99.0.2', dst: '224.0.0.18', tos: 0xc0, ttl: 255, id: 4, dontFragment: false, version: 3, vrid: 51, priority: 0, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0xd8ac },
  ],
  'v3-ucast-term.pcap': [
    // (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.1 > 10.99.0.2: VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 3, src: '10.99.0.1', dst: '10.99.0.2', tos: 0xc0, ttl: 255, id: 1, dontFragment: false, version: 3, vrid: 51, priority: 150, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x185b },
    // (tos 0xc0, ttl 255, id 2, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.1 > 10.99.0.2: VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 9, src: '10.99.0.1', dst: '10.99.0.2', tos: 0xc0, ttl: 255, id: 2, dontFragment: false, version: 3, vrid: 51, priority: 150, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x185b },
    // (tos 0xc0, ttl 255, id 3, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.1 > 10.99.0.2: VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 10, src: '10.99.0.1', dst: '10.99.0.2', tos: 0xc0, ttl: 255, id: 3, dontFragment: false, version: 3, vrid: 51, priority: 150, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x185b },
    // (tos 0xc0, ttl 255, id 4, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.1 > 10.99.0.2: VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 13, src: '10.99.0.1', dst: '10.99.0.2', tos: 0xc0, ttl: 255, id: 4, dontFragment: false, version: 3, vrid: 51, priority: 150, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x185b },
    // (tos 0xc0, ttl 255, id 5, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.1 > 10.99.0.2: VRRPv3, Advertisement, vrid 51, prio 0, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 14, src: '10.99.0.1', dst: '10.99.0.2', tos: 0xc0, ttl: 255, id: 5, dontFragment: false, version: 3, vrid: 51, priority: 0, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0xae5b },
    // (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.2 > 10.99.0.1: VRRPv3, Advertisement, vrid 51, prio 100, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 15, src: '10.99.0.2', dst: '10.99.0.1', tos: 0xc0, ttl: 255, id: 1, dontFragment: false, version: 3, vrid: 51, priority: 100, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x4a5b },
    // (tos 0xc0, ttl 255, id 2, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.2 > 10.99.0.1: VRRPv3, Advertisement, vrid 51, prio 100, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 21, src: '10.99.0.2', dst: '10.99.0.1', tos: 0xc0, ttl: 255, id: 2, dontFragment: false, version: 3, vrid: 51, priority: 100, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x4a5b },
    // (tos 0xc0, ttl 255, id 3, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.2 > 10.99.0.1: VRRPv3, Advertisement, vrid 51, prio 100, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 22, src: '10.99.0.2', dst: '10.99.0.1', tos: 0xc0, ttl: 255, id: 3, dontFragment: false, version: 3, vrid: 51, priority: 100, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0x4a5b },
    // (tos 0xc0, ttl 255, id 4, offset 0, flags [none], proto VRRP (112), length 32)
    // 10.99.0.2 > 10.99.0.1: VRRPv3, Advertisement, vrid 51, prio 0, intvl 100cs, length 12, addrs: 10.99.0.100
    { frame: 23, src: '10.99.0.2', dst: '10.99.0.1', tos: 0xc0, ttl: 255, id: 4, dontFragment: false, version: 3, vrid: 51, priority: 0, interval: 100, authType: undefined, addresses: ['10.99.0.100'], checksum: 0xae5b },
  ],
};

/** Frames per capture: VRRP adverts plus the ARP traffic around them, nothing else. */
const FRAME_COUNTS: Record<string, { vrrp: number; arp: number }> = {
  'garp.pcap': { vrrp: 0, arp: 2 },
  'v2-mcast-term.pcap': { vrrp: 10, arp: 15 },
  'v2-ucast-term.pcap': { vrrp: 9, arp: 14 },
  'v3-mcast-term.pcap': { vrrp: 9, arp: 15 },
  'v3-ucast-term.pcap': { vrrp: 9, arp: 16 },
};

interface CapturedAdvert {
  readonly frame: number;
  /** The IP packet, cut at its total length. */
  readonly packet: Buffer;
  /** Bytes the link layer carried after the IP total length (padding). */
  readonly trailing: number;
}

function loadCapture(file: string) {
  const pcap = readPcap(readFileSync(path.join(vectorsDir, file)));
  const adverts: CapturedAdvert[] = [];
  let arp = 0;
  let other = 0;
  for (const record of pcap.records) {
    const frame = classifyFrame(pcap.linkType, record.data);
    // VRRP by IP protocol number, independently of the decoder under test.
    if (frame.kind === 'ipv4' && frame.packet.readUInt8(9) === 112) {
      const totalLength = frame.packet.readUInt16BE(2);
      adverts.push({
        frame: record.frame,
        packet: frame.packet.subarray(0, totalLength),
        trailing: frame.packet.length - totalLength,
      });
    } else if (frame.kind === 'arp') {
      arp++;
    } else {
      other++;
    }
  }
  return { linkType: pcap.linkType, frames: pcap.records.length, adverts, arp, other };
}

const FILES = Object.keys(EXPECTED);

function decodeOrFail(packet: Buffer): ReceivedAdvert {
  const got = decodeIpv4Packet(packet);
  if (!got.ok) throw new Error(`decode failed: ${got.reason} (${got.detail})`);
  return got.value;
}

describe.each(FILES)('%s', (file) => {
  const capture = loadCapture(file);
  const expected = EXPECTED[file] ?? [];

  it('is Ethernet, and every frame is a VRRP advert or ARP', () => {
    expect(capture.linkType).toBe(LINKTYPE_ETHERNET);
    expect({ vrrp: capture.adverts.length, arp: capture.arp }).toEqual(FRAME_COUNTS[file]);
    expect(capture.other).toBe(0);
    expect(capture.frames).toBe(capture.adverts.length + capture.arp);
    expect(capture.adverts.map((a) => a.frame)).toEqual(expected.map((e) => e.frame));
  });

  it('has nothing after the IP total length and after the VRRP message', () => {
    for (const advert of capture.adverts) {
      expect(advert.trailing).toBe(0);
      // v2: 8 + 4 * count + 8 auth bytes; v3: 8 + 4 * count.
      const version = advert.packet.readUInt8(20) >> 4;
      const count = advert.packet.readUInt8(23);
      expect(advert.packet.length - 20).toBe(8 + 4 * count + (version === 2 ? 8 : 0));
    }
  });

  it('decodes every advert to what tcpdump shows', () => {
    capture.adverts.forEach((captured, i) => {
      const want = expected[i];
      if (want === undefined) throw new Error(`no expectation for frame ${captured.frame}`);
      const got = decodeOrFail(captured.packet);
      expect({ src: got.src, dst: got.dst, ttl: got.ttl, checksum: got.checksum }).toEqual({
        src: want.src,
        dst: want.dst,
        ttl: want.ttl,
        checksum: want.checksum,
      });
      const a = got.advert;
      expect({
        version: a.version,
        vrid: a.vrid,
        priority: a.priority,
        interval: a.version === 2 ? a.advertIntervalSec : a.maxAdvertIntervalCs,
        authType: a.version === 2 ? a.authType : undefined,
        addresses: a.addresses,
      }).toEqual({
        version: want.version,
        vrid: want.vrid,
        priority: want.priority,
        interval: want.interval,
        authType: want.authType,
        addresses: want.addresses,
      });
      if (a.version === 2) expect(a.authData).toEqual(Buffer.alloc(8)); // authtype none
    });
  });

  it('re-encodes every advert byte-identically', () => {
    capture.adverts.forEach((captured, i) => {
      const want = expected[i];
      if (want === undefined) throw new Error(`no expectation for frame ${captured.frame}`);
      const got = decodeOrFail(captured.packet);
      const ip = { src: got.src, dst: got.dst };
      const opts = { id: want.id, ttl: want.ttl, tos: want.tos, dontFragment: want.dontFragment };
      expect(encodeIpv4Packet(got.advert, ip, opts).toString('hex')).toBe(
        captured.packet.toString('hex'),
      );
      expect(encodeVrrpMessage(got.advert, ip).toString('hex')).toBe(
        captured.packet.subarray(20).toString('hex'),
      );
    });
  });
});

describe('keepalived behaviour visible in the captures', () => {
  it.each(FILES.filter((f) => f.endsWith('-term.pcap')))(
    '%s: each router ends with a priority-0 (shutdown) advert',
    (file) => {
      const adverts = loadCapture(file).adverts.map((a) => decodeOrFail(a.packet));
      const senders = [...new Set(adverts.map((a) => a.src))];
      expect(senders).toEqual(['10.99.0.1', '10.99.0.2']);
      for (const sender of senders) {
        const fromSender = adverts.filter((a) => a.src === sender);
        // RFC 5798 §6.4.3: on Shutdown, send an advert with priority 0.
        expect(fromSender.at(-1)?.advert.priority).toBe(0);
        expect(fromSender.slice(0, -1).every((a) => a.advert.priority > 0)).toBe(true);
      }
    },
  );

  it('v3 checksums differ per destination (pseudo-header), v2 checksums do not', () => {
    const first = (file: string): ReceivedAdvert => {
      const captured = loadCapture(file).adverts[0];
      if (captured === undefined) throw new Error(`${file}: no advert`);
      return decodeOrFail(captured.packet);
    };
    const v3m = first('v3-mcast-term.pcap');
    const v3u = first('v3-ucast-term.pcap');
    expect(v3m.advert).toEqual(v3u.advert);
    expect([v3m.checksum, v3u.checksum]).toEqual([0x42ad, 0x185b]);
    // Re-addressing the multicast advert to the unicast peer gives the unicast checksum.
    const readdressed = encodeVrrpMessage(v3m.advert, { src: v3u.src, dst: v3u.dst });
    expect(readdressed.readUInt16BE(6)).toBe(0x185b);

    const v2m = first('v2-mcast-term.pcap');
    const v2u = first('v2-ucast-term.pcap');
    expect(v2m.advert).toEqual(v2u.advert);
    expect([v2m.checksum, v2u.checksum]).toEqual([0x3e03, 0x3e03]);
  });
});

// Cross-check against tcpdump's own VRRP dissector, live, where tcpdump is installed.
interface TcpdumpAdvert {
  src: string;
  dst: string;
  ttl: number;
  version: number;
  vrid: number;
  priority: number;
  interval: number;
  authType: number | undefined;
  addresses: string[];
}

const TCPDUMP_IP = /\(tos 0x[0-9a-f]+, ttl (\d+), .*proto VRRP \(112\)/;
const TCPDUMP_VRRP =
  /^\s*(\S+) > (\S+): VRRPv(\d), Advertisement, vrid (\d+), prio (\d+), (?:authtype (\w+), )?intvl (\d+)(?:s|cs), length \d+, addrs(?:\(\d+\))?: (\S+)/;
const AUTH_TYPES: Record<string, number> = { none: 0, simple: 1, ah: 2 };

function tcpdumpAdverts(file: string): TcpdumpAdvert[] {
  const run = spawnSync('tcpdump', ['-r', path.join(vectorsDir, file), '-nn', '-v'], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`tcpdump failed: ${run.stderr}`);
  const lines = run.stdout.split('\n');
  const adverts: TcpdumpAdvert[] = [];
  lines.forEach((line, i) => {
    const m = TCPDUMP_VRRP.exec(line);
    if (m === null) return;
    const ip = TCPDUMP_IP.exec(lines[i - 1] ?? '');
    if (ip === null) throw new Error(`no IP line before: ${line}`);
    const [, src = '', dst = '', version, vrid, prio, auth, intvl, addrs = ''] = m;
    adverts.push({
      src,
      dst,
      ttl: Number(ip[1]),
      version: Number(version),
      vrid: Number(vrid),
      priority: Number(prio),
      interval: Number(intvl),
      authType: auth === undefined ? undefined : AUTH_TYPES[auth],
      addresses: addrs.split(','),
    });
  });
  return adverts;
}

const tcpdumpMissing = spawnSync('tcpdump', ['--version']).error !== undefined;

it('agrees with a live tcpdump on every advert of every capture', (ctx) => {
  if (tcpdumpMissing) {
    if (process.env.CI === 'true') throw new Error('tcpdump is not on PATH (CI must install it)');
    console.warn('vectors.test.ts: tcpdump is not on PATH; skipping the live tcpdump cross-check');
    ctx.skip();
  }
  let compared = 0;
  for (const file of FILES) {
    const fromTcpdump = tcpdumpAdverts(file);
    const decoded = loadCapture(file).adverts.map((a) => decodeOrFail(a.packet));
    expect(fromTcpdump.length).toBe(decoded.length);
    decoded.forEach((got, i) => {
      const a = got.advert;
      expect({
        src: got.src,
        dst: got.dst,
        ttl: got.ttl,
        version: a.version,
        vrid: a.vrid,
        priority: a.priority,
        interval: a.version === 2 ? a.advertIntervalSec : a.maxAdvertIntervalCs,
        authType: a.version === 2 ? a.authType : undefined,
        addresses: a.addresses,
      }).toEqual(fromTcpdump[i]);
      compared++;
    });
  }
  expect(compared).toBe(37);
});
