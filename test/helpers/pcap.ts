// A small reader for classic libpcap files (not pcapng), enough for the codec vectors.
// Format: https://www.tcpdump.org/manpages/pcap-savefile.5.html

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;

export interface PcapRecord {
  /** 1-based frame number, as tcpdump and Wireshark count. */
  readonly frame: number;
  readonly tsSec: number;
  /** Microseconds or nanoseconds, per `PcapFile.nanosecond`. */
  readonly tsFraction: number;
  readonly originalLength: number;
  readonly data: Buffer;
}

export interface PcapFile {
  readonly linkType: number;
  readonly nanosecond: boolean;
  readonly snapLength: number;
  readonly records: readonly PcapRecord[];
}

/** Parse a whole classic pcap file. Throws on anything malformed (test helper). */
export function readPcap(file: Buffer): PcapFile {
  if (file.length < 24) throw new Error('pcap: shorter than the 24-byte global header');
  const magicLE = file.readUInt32LE(0);
  let littleEndian: boolean;
  let nanosecond: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
    littleEndian = true;
    nanosecond = magicLE === 0xa1b23c4d;
  } else if (file.readUInt32BE(0) === 0xa1b2c3d4 || file.readUInt32BE(0) === 0xa1b23c4d) {
    littleEndian = false;
    nanosecond = file.readUInt32BE(0) === 0xa1b23c4d;
  } else {
    throw new Error(`pcap: bad magic 0x${magicLE.toString(16)} (pcapng is not supported)`);
  }
  const u32 = (at: number): number =>
    littleEndian ? file.readUInt32LE(at) : file.readUInt32BE(at);
  const snapLength = u32(16);
  // The upper bits of the link-type word hold FCS information; the type is the low 16.
  const linkType = u32(20) & 0xffff;

  const records: PcapRecord[] = [];
  let at = 24;
  while (at < file.length) {
    if (at + 16 > file.length) throw new Error(`pcap: truncated record header at ${at}`);
    const capturedLength = u32(at + 8);
    const end = at + 16 + capturedLength;
    if (end > file.length) throw new Error(`pcap: truncated record data at ${at}`);
    records.push({
      frame: records.length + 1,
      tsSec: u32(at),
      tsFraction: u32(at + 4),
      originalLength: u32(at + 12),
      data: file.subarray(at + 16, end),
    });
    at = end;
  }
  return { linkType, nanosecond, snapLength, records };
}

export type Frame =
  /** `packet` is everything after the link header: it may carry link-layer padding. */
  | { readonly kind: 'ipv4'; readonly packet: Buffer }
  | { readonly kind: 'arp' }
  | { readonly kind: 'other'; readonly etherType: number };

/** What a link-layer frame carries, by link type. */
export function classifyFrame(linkType: number, data: Buffer): Frame {
  let etherType: number;
  let payloadAt: number;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      etherType = data.readUInt16BE(12);
      payloadAt = 14;
      // Skip 802.1Q / 802.1ad tags.
      while (etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ) {
        etherType = data.readUInt16BE(payloadAt + 2);
        payloadAt += 4;
      }
      break;
    }
    case LINKTYPE_LINUX_SLL: // 16-byte header, protocol last
      etherType = data.readUInt16BE(14);
      payloadAt = 16;
      break;
    case LINKTYPE_LINUX_SLL2: // 20-byte header, protocol first
      etherType = data.readUInt16BE(0);
      payloadAt = 20;
      break;
    case LINKTYPE_RAW: {
      const version = data.readUInt8(0) >> 4;
      etherType = version === 4 ? ETHERTYPE_IPV4 : 0x86dd;
      payloadAt = 0;
      break;
    }
    default:
      throw new Error(`pcap: unsupported link type ${linkType}`);
  }
  if (etherType === ETHERTYPE_IPV4) return { kind: 'ipv4', packet: data.subarray(payloadAt) };
  if (etherType === ETHERTYPE_ARP) return { kind: 'arp' };
  return { kind: 'other', etherType };
}
