// The gratuitous ARP frame, byte for byte as keepalived 2.2.7 sends it (and `arping -U`): a
// broadcast ARP request whose sender and target protocol addresses are both the VIP
// (RFC 5227 §3, "ARP Announcement"), target hardware address all-ones.
// No padding: the NIC pads to 60 bytes; keepalived's capture is 42 bytes on the wire.
// Built by hand, no ipaddr.js: a takeover encodes hundreds of these on the failover path.
import { GratuitousArpError } from './errors.js';

const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_IPV4 = 0x0800;
const ARPHRD_ETHER = 1;
const ARPOP_REQUEST = 1;
const MAC_BYTES = 6;
const IPV4_BYTES = 4;
export const GARP_FRAME_BYTES = 14 + 28;
const SENDER_IP_AT = 28;
const TARGET_IP_AT = 38;
/** Dotted-quad decimal only (what `ip` prints and the config normalises to). */
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The whole Ethernet frame announcing that `vip` is at `mac`. Throws on a bad address. */
export function encodeGratuitousArp(mac: Uint8Array, vip: string): Buffer {
  return garpTemplate(mac, vip).withAddress(vip);
}

/** Everything of the frame but the VIP, for one MAC: encode many VIPs from one template. */
export function garpTemplate(mac: Uint8Array, context = 'GARP'): GarpTemplate {
  if (mac.length !== MAC_BYTES) {
    throw new GratuitousArpError(`${context}: not an Ethernet address (${mac.length} bytes)`);
  }
  const frame = Buffer.alloc(GARP_FRAME_BYTES);
  frame.fill(0xff, 0, MAC_BYTES); // Ethernet destination: broadcast
  frame.set(mac, 6);
  frame.writeUInt16BE(ETHERTYPE_ARP, 12);
  frame.writeUInt16BE(ARPHRD_ETHER, 14);
  frame.writeUInt16BE(ETHERTYPE_IPV4, 16);
  frame[18] = MAC_BYTES;
  frame[19] = IPV4_BYTES;
  frame.writeUInt16BE(ARPOP_REQUEST, 20);
  frame.set(mac, 22); // sender hardware address
  frame.fill(0xff, 32, 38); // target hardware address: as keepalived (arping: the same)
  return new GarpTemplate(frame);
}

export class GarpTemplate {
  constructor(private readonly frame: Buffer) {}

  /** A new frame for `vip` (sender and target protocol address). Throws on a bad address. */
  withAddress(vip: string): Buffer {
    const m = DOTTED_QUAD.exec(vip);
    const octets = m === null ? [] : [m[1], m[2], m[3], m[4]].map(Number);
    if (octets.length !== IPV4_BYTES || octets.some((o) => o > 255)) {
      throw new GratuitousArpError(`not an IPv4 address: ${vip}`);
    }
    const frame = Buffer.from(this.frame);
    frame.set(octets, SENDER_IP_AT);
    frame.set(octets, TARGET_IP_AT);
    return frame;
  }
}
