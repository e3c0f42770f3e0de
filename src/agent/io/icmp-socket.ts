// One raw ICMP (or ICMPv6) socket for the peer probes: sends echo requests, and hands over every
// echo request and reply the host receives (a raw socket gets a copy of each ICMP packet the
// kernel delivers; the kernel still answers echo requests itself). Root or CAP_NET_RAW, as for
// VRRP's own socket.
import type { IpFamily } from '../vrrp/codec/types.js';
import { VrrpSocketError } from './errors.js';
import { decodeEcho, encodeEchoRequest, ICMP_PROTOCOL, ICMPV6_PROTOCOL } from './icmp-echo.js';
import type { IcmpEcho } from './icmp-echo.js';
import { openRawSocket } from './raw-socket.js';
import type { RawSocket } from './raw-socket.js';

const RECEIVE_BUFFER_BYTES = 65_536;

export type EchoListener = (echo: IcmpEcho, source: string) => void;
export type SendErrorListener = (error: Error, address: string) => void;

/** What the peer probes use of the socket (a fake in tests). */
export interface EchoSocket {
  send(
    address: string,
    identifier: number,
    sequence: number,
    data: Uint8Array,
    onError: SendErrorListener,
  ): void;
  close(): void;
}

export class IcmpEchoSocket implements EchoSocket {
  private closed = false;

  private constructor(
    readonly family: IpFamily,
    private readonly socket: RawSocket,
  ) {}

  /** Throws VrrpSocketError when the socket cannot be opened (no CAP_NET_RAW). */
  static open(family: IpFamily, onEcho: EchoListener, onError: SendErrorListener): IcmpEchoSocket {
    let socket: RawSocket;
    try {
      socket = openRawSocket(
        family,
        family === 'ipv4' ? ICMP_PROTOCOL : ICMPV6_PROTOCOL,
        RECEIVE_BUFFER_BYTES,
      );
    } catch (error) {
      throw new VrrpSocketError(`cannot open an ${family} ICMP socket for the peer probes`, {
        cause: error,
      });
    }
    socket.on('message', (packet, source) => {
      const echo = decodeEcho(family, packet);
      if (echo !== undefined) onEcho(echo, source);
    });
    socket.on('error', (error) => onError(error, ''));
    return new IcmpEchoSocket(family, socket);
  }

  send(
    address: string,
    identifier: number,
    sequence: number,
    data: Uint8Array,
    onError: SendErrorListener,
  ): void {
    if (this.closed) return; // raw-socket would open a new fd (raw-socket.ts)
    const buf = encodeEchoRequest(this.family, identifier, sequence, data);
    this.socket.send(buf, 0, buf.length, address, (error) => {
      if (error) onError(error, address);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}
