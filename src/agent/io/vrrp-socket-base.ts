// What the IPv4 and IPv6 VRRP sockets share: events, counters, the send loop, and making sure
// nothing a socket or a peer does can throw into the caller or crash the process.
import { EventEmitter } from 'node:events';

import { formatIp, parseIp, REJECT_REASONS } from '../vrrp/codec/index.js';
import type {
  DecodeResult,
  ReceivedAdvert,
  RejectReason,
  VrrpAdvert,
} from '../vrrp/codec/index.js';
import { VrrpSendError, VrrpSocketError } from './errors.js';
import type { InterfaceInfo } from './interface-info.js';
import { rawSocketFd, type RawSocket } from './raw-socket.js';
import { ReceiveStamps } from './receive-stamp.js';
import {
  armRelease,
  releasedBySignal,
  signalReleaseInstalled,
  type ReleasePacket,
} from './signal-release.js';
import { readReceiveDrops } from './socket-options.js';

export type TransportRejectReason = RejectReason | 'own-packet';

/** raw-socket's native handle (private API of 1.8.1): sendto now, callback with the bytes sent. */
interface NativeSendWrap {
  send(
    buffer: Buffer,
    offset: number,
    length: number,
    address: string,
    done: (bytes: number) => void,
  ): void;
}

/** A full send buffer: fall back to raw-socket's queue, which waits for the fd to be writable. */
const WOULD_BLOCK = /temporarily unavailable|EAGAIN|EWOULDBLOCK|No buffer space/i;

export interface VrrpSocketCounters {
  /** Packets the kernel accepted (one per destination). */
  readonly sent: number;
  readonly sendErrors: number;
  /** Adverts decoded and emitted. */
  readonly received: number;
  readonly receiveErrors: number;
  readonly rejected: Readonly<Record<TransportRejectReason, number>>;
  /**
   * Packets the kernel dropped because we did not read them in time (the receive buffer was
   * full); undefined when the kernel cannot tell (SO_MEMINFO, Linux >= 4.12).
   */
  readonly receiveDrops: number | undefined;
}

export interface VrrpSocketEvents {
  /** `receivedAgoMs`: how long before this event the kernel received it (0 when unknown). */
  advert: [received: ReceivedAdvert, receivedAgoMs: number];
  reject: [reason: TransportRejectReason, detail: string, src: string | undefined];
  error: [error: Error];
}

/** A received buffer's fate: decoded, or rejected (the source, when known, for the log). */
export type ReceiveResult = DecodeResult<ReceivedAdvert>;

// raw-socket reports strerror text only; EAGAIN after a spurious wake-up is not an error.
const SPURIOUS_RECEIVE = /temporarily unavailable/i;

function canonical(address: string): string {
  try {
    return formatIp(parseIp(address));
  } catch {
    return address;
  }
}

export abstract class VrrpSocketBase extends EventEmitter<VrrpSocketEvents> {
  private closed = false;
  private ownAddresses = new Set<string>();
  private sentCount = 0;
  private sendErrorCount = 0;
  private receivedCount = 0;
  private receiveErrorCount = 0;
  /** The last drop count read: kept once the socket is closed. */
  private receiveDropCount: number | undefined;
  private readonly rejectedCounts = Object.fromEntries(
    [...REJECT_REASONS, 'own-packet'].map((r) => [r, 0]),
  ) as Record<TransportRejectReason, number>;
  private readonly stamps: ReceiveStamps | undefined;
  private readonly fd: number | undefined;

  protected constructor(
    protected readonly raw: RawSocket,
    protected iface: InterfaceInfo,
  ) {
    super();
    const fd = rawSocketFd(raw);
    this.fd = fd;
    this.stamps = fd === undefined ? undefined : new ReceiveStamps(fd);
    this.setOwnAddresses(iface);
    raw.on('message', (buffer, source) => this.handleMessage(buffer, source));
    raw.on('error', (error) => this.handleSocketError(error));
    raw.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      this.report(new VrrpSocketError(`VRRP socket on ${this.iface.name} closed unexpectedly`));
    });
  }

  /** Addresses changed (e.g. a new link-local): own-packet detection follows. */
  updateInterface(iface: InterfaceInfo): void {
    this.iface = iface;
    this.setOwnAddresses(iface);
  }

  get counters(): VrrpSocketCounters {
    return {
      sent: this.sentCount,
      sendErrors: this.sendErrorCount,
      received: this.receivedCount,
      receiveErrors: this.receiveErrorCount,
      rejected: { ...this.rejectedCounts },
      receiveDrops: this.readReceiveDrops(),
    };
  }

  /** A getsockopt, read when asked (status, a scrape): nothing runs per packet. */
  private readReceiveDrops(): number | undefined {
    if (this.closed) return this.receiveDropCount;
    try {
      this.receiveDropCount = readReceiveDrops(this.raw);
    } catch {
      // A kernel without SO_MEMINFO: stays unknown.
    }
    return this.receiveDropCount;
  }

  /**
   * One packet per destination (v3's checksum covers the destination: RFC 5798 §5.2.8).
   * Never throws: failures are counted and emitted as 'error' (VrrpSendError).
   */
  send(advert: VrrpAdvert, src: string, destinations: readonly string[]): void {
    for (const dst of destinations) {
      if (this.closed) {
        // raw-socket would silently open a fresh, unconfigured fd.
        this.sendFailed(new VrrpSendError(dst, 'the socket is closed'));
        continue;
      }
      let packet: Buffer;
      try {
        packet = this.encode(advert, src, dst);
      } catch (error) {
        this.sendFailed(new VrrpSendError(dst, (error as Error).message, { cause: error }));
        continue;
      }
      this.sendNow(packet, dst);
    }
  }

  /**
   * raw-socket's send() only queues: the packet leaves when libuv next reports the fd writable,
   * after whatever else the current tick does (an `ip addr` spawn forks synchronously for ~5 ms).
   * An advert is the signal that ends a failover, so it goes out now, through the native handle's
   * synchronous sendto (raw-socket 1.8.1; the queued path stays the fallback, e.g. on EAGAIN).
   */
  private sendNow(packet: Buffer, dst: string): void {
    const address = this.sendAddress(dst);
    const native = (this.raw as unknown as { wrap?: NativeSendWrap }).wrap;
    if (native !== undefined && typeof native.send === 'function') {
      try {
        native.send(packet, 0, packet.length, address, () => {
          this.sentCount++;
        });
        return;
      } catch (error) {
        if (!WOULD_BLOCK.test((error as Error).message)) {
          this.sendFailed(new VrrpSendError(dst, (error as Error).message, { cause: error }));
          return;
        }
      }
    }
    try {
      this.raw.send(packet, 0, packet.length, address, (error) => {
        if (error) this.sendFailed(new VrrpSendError(dst, error.message, { cause: error }));
        else this.sentCount++;
      });
    } catch (error) {
      this.sendFailed(new VrrpSendError(dst, (error as Error).message, { cause: error }));
    }
  }

  /**
   * `advert` (a shutdown's priority 0), one packet per destination, is what a SIGTERM sends
   * from its handler for `entry` (io/signal-release.ts); undefined disarms. Never throws: a
   * release that cannot be armed is sent by the shutdown input as before.
   */
  armRelease(
    entry: number,
    advert: VrrpAdvert | undefined,
    src: string,
    destinations: readonly string[],
  ): void {
    if (!signalReleaseInstalled()) return;
    try {
      const packets: ReleasePacket[] = [];
      if (advert !== undefined && this.fd !== undefined && !this.closed) {
        for (const dst of destinations) {
          const [address = dst, zone] = this.sendAddress(dst).split('%');
          packets.push({
            packet: this.encode(advert, src, dst),
            address: Buffer.from(parseIp(address)),
            ...(zone === undefined ? {} : { scopeId: this.iface.index }),
          });
        }
      }
      armRelease(entry, this.fd ?? -1, packets);
    } catch (error) {
      armRelease(entry, -1, []);
      this.report(
        new VrrpSendError(
          destinations.join(','),
          `arming the release: ${(error as Error).message}`,
          { cause: error },
        ),
      );
    }
  }

  /** Whether a signal's handler sent `entry`'s release (armRelease). */
  releasedBySignal(entry: number): boolean {
    try {
      return releasedBySignal(entry);
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.raw.close();
    } catch {
      // already closed by raw-socket after a poll error
    }
  }

  /** The whole packet for `dst` (IP header included: both sockets use HDRINCL). May throw. */
  protected abstract encode(advert: VrrpAdvert, src: string, dst: string): Buffer;
  /** The address given to sendto(). */
  protected abstract sendAddress(dst: string): string;
  /** Decode what recvfrom() returned; `source` is recvfrom's address. Must not throw. */
  protected abstract decode(buffer: Buffer, source: string): ReceiveResult;
  /** Our addresses of this family on the interface. */
  protected abstract ownAddressesOf(iface: InterfaceInfo): readonly string[];

  private setOwnAddresses(iface: InterfaceInfo): void {
    this.ownAddresses = new Set(this.ownAddressesOf(iface).map(canonical));
  }

  private handleMessage(buffer: Buffer, source: string): void {
    if (this.closed) return;
    // First: the socket's stamp is the last packet read, this one.
    const receivedAgoMs = this.stamps?.ageMs() ?? 0;
    const src = source === '' ? undefined : canonical(source);
    if (src !== undefined && this.ownAddresses.has(src)) {
      this.rejected('own-packet', `from our own address ${src}`, src);
      return;
    }
    let result: ReceiveResult;
    try {
      result = this.decode(buffer, source);
    } catch (error) {
      // Decoders never throw by contract; a bug here must not take the agent down.
      this.receiveErrorCount++;
      this.report(new VrrpSocketError(`decoding a packet from ${source}`, { cause: error }));
      return;
    }
    if (!result.ok) {
      this.rejected(result.reason, result.detail, src);
      return;
    }
    this.receivedCount++;
    this.emit('advert', result.value, receivedAgoMs);
  }

  private rejected(reason: TransportRejectReason, detail: string, src: string | undefined): void {
    this.rejectedCounts[reason]++;
    this.emit('reject', reason, detail, src);
  }

  private handleSocketError(error: Error): void {
    this.receiveErrorCount++;
    if (SPURIOUS_RECEIVE.test(error.message)) return;
    this.report(
      new VrrpSocketError(`VRRP socket on ${this.iface.name}: ${error.message}`, { cause: error }),
    );
  }

  private sendFailed(error: VrrpSendError): void {
    this.sendErrorCount++;
    this.report(error);
  }

  /** 'error' without a listener would throw (EventEmitter): counted either way, never fatal. */
  private report(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}
