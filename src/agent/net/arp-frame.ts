// The gratuitous ARP frame, byte for byte as keepalived 2.2.7 sends it (and `arping -U`): a
// broadcast ARP request whose sender and target protocol addresses are both the VIP
// (RFC 5227 §3, "ARP Announcement"), target hardware address all-ones.
// No padding: the NIC pads to 60 bytes; keepalived's capture is 42 bytes on the wire.
import ipaddr from 'ipaddr.js';
import { GratuitousArpError } from './errors.js';

const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_IPV4 = 0x0800;
const ARPHRD_ETHER = 1;
const ARPOP_REQUEST = 1;
const MAC_BYTES = 6;
const IPV4_BYTES = 4;
export const GARP_FRAME_BYTES = 14 + 28;

/** The whole Ethernet frame announcing that `vip` is at `mac`. Throws on a bad address. */
export function encodeGratuitousArp(mac: Uint8Array, vip: string): Buffer {
  if (mac.length !== MAC_BYTES) {
    throw new GratuitousArpError(`${vip}: not an Ethernet address (${mac.length} bytes)`);
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(vip)) {
    throw new GratuitousArpError(`not an IPv4 address: ${vip}`);
  }
  const ip = ipaddr.IPv4.parse(vip).toByteArray();
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
  frame.set(ip, 28); // sender protocol address
  frame.fill(0xff, 32, 38); // target hardware address: as keepalived (arping: the same)
  frame.set(ip, 38); // target protocol address
  return frame;
}
