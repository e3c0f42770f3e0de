// What floatd says of itself in the data of its probe's echo requests to a unicast peer: the
// VRID and its state. The peer's floatd reads the request on its own ICMP socket (the kernel
// answers the echo): a MASTER whose peer is silent learns that the peer is MASTER too, which
// VRRP cannot tell it (a BACKUP is silent as well, RFC 5798 §6.4.2). Anyone may send such a
// packet: it only feeds a diagnosis, never the protocol.
import type { VrrpState } from '../vrrp/types.js';

const MAGIC = Buffer.from('FLTD', 'ascii');
const FORMAT = 1;
const BYTES = MAGIC.length + 3;
const STATES: readonly VrrpState[] = ['initialize', 'backup', 'master', 'fault'];

export interface PeerBeacon {
  readonly vrid: number;
  readonly state: VrrpState;
}

export function encodeBeacon(beacon: PeerBeacon): Buffer {
  const buf = Buffer.alloc(BYTES);
  MAGIC.copy(buf, 0);
  buf.writeUInt8(FORMAT, MAGIC.length);
  buf.writeUInt8(beacon.vrid & 0xff, MAGIC.length + 1);
  buf.writeUInt8(STATES.indexOf(beacon.state), MAGIC.length + 2);
  return buf;
}

/** A beacon from an echo's data; undefined for any other data (another program's ping). */
export function decodeBeacon(data: Uint8Array): PeerBeacon | undefined {
  if (data.length < BYTES || !MAGIC.equals(data.subarray(0, MAGIC.length))) return undefined;
  if (data[MAGIC.length] !== FORMAT) return undefined;
  const state = STATES[data[MAGIC.length + 2] ?? -1];
  if (state === undefined) return undefined;
  return { vrid: data[MAGIC.length + 1] ?? 0, state };
}
