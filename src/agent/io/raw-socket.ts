// The part of raw-socket 1.8.1's API floatd uses, typed (the package ships no types).
// Quirks worth knowing (raw-socket's index.js / src/raw.cc):
// - send() is queued and done when the fd is writable; errors arrive in the callback.
// - send() after close() silently opens a NEW fd without our options: never send after close.
// - recvfrom only (no recvmsg): no ancillary data (IPv6 hop limit, destination address).
// - one recvfrom per readable event: openRawSocket reads until the queue is empty instead.
// - a receive error is emitted as 'error' and the socket stays open; a poll error is emitted
//   as 'error' and the socket closes itself ('close' follows).
// - 'message' buffers are slices of one shared receive buffer: copy what must outlive the call.
import { createRequire } from 'node:module';
import { markSocketsCloseOnExec } from '../native/close-on-exec.js';

export type RawFamily = 'ipv4' | 'ipv6';

export interface RawSocket {
  send(
    buffer: Buffer,
    offset: number,
    length: number,
    address: string,
    afterSend: (error: Error | null | undefined, bytes?: number) => void,
  ): RawSocket;
  setOption(level: number, option: number, value: number): void;
  setOption(level: number, option: number, value: Buffer, length: number): void;
  /** getsockopt into all of `value` (`length` is required, unused); returns bytes written. */
  getOption(level: number, option: number, value: Buffer, length: number): number;
  on(event: 'message', listener: (buffer: Buffer, source: string) => void): RawSocket;
  on(event: 'error', listener: (error: Error) => void): RawSocket;
  on(event: 'close', listener: () => void): RawSocket;
  close(): RawSocket;
}

interface RawSocketModule {
  createSocket(options: {
    protocol: number;
    addressFamily: number;
    bufferSize?: number;
  }): RawSocket;
  readonly AddressFamily: { readonly IPv4: number; readonly IPv6: number };
}

const require = createRequire(import.meta.url);
let loaded: RawSocketModule | undefined;

/** Loaded on first use, so importing io/ does not need the native build. */
function rawSocketModule(): RawSocketModule {
  loaded ??= require('raw-socket') as RawSocketModule;
  return loaded;
}

/** The fd behind each socket openRawSocket opened (raw-socket does not expose it). */
const fds = new WeakMap<RawSocket, number>();

/** The socket's fd, when openRawSocket could tell which it was. */
export function rawSocketFd(socket: RawSocket): number | undefined {
  return fds.get(socket);
}

/** A SOCK_RAW socket for `protocol`, close-on-exec. Throws (e.g. EPERM without CAP_NET_RAW). */
export function openRawSocket(family: RawFamily, protocol: number, bufferSize: number): RawSocket {
  const mod = rawSocketModule();
  const socket = mod.createSocket({
    protocol,
    addressFamily: family === 'ipv4' ? mod.AddressFamily.IPv4 : mod.AddressFamily.IPv6,
    bufferSize,
  });
  try {
    // Every other socket of the process is close-on-exec already: the one marked is this one.
    const marked = markSocketsCloseOnExec();
    if (marked.length === 1 && marked[0] !== undefined) fds.set(socket, marked[0]);
  } catch (error) {
    socket.close();
    throw error;
  }
  readUntilEmpty(socket as unknown as RawSocketInternals);
  return socket;
}

/** raw-socket's innards that its receive path uses (index.js; the version is pinned). */
interface RawSocketInternals {
  readonly wrap: {
    recv(buffer: Buffer, got: (buffer: Buffer, bytes: number, source: string) => void): void;
    removeAllListeners(event: string): void;
    on(event: string, listener: () => void): void;
  };
  readonly buffer: Buffer;
  emit(event: string, ...args: unknown[]): boolean;
  once(event: 'close', listener: () => void): void;
  close(): unknown;
}

/**
 * How long one wakeup reads at most: a flood cannot hold the event loop. A count would not do:
 * one socket carries every VRID on the interface, and after a long stall the newest adverts,
 * the ones that matter, are the last in the queue.
 */
const READ_BUDGET_MS = 5;

/**
 * raw-socket reads one packet each time the fd is readable, so packets queued while the event
 * loop was busy (startup work, GC, a loaded host) come one per loop turn, oldest first. A
 * BACKUP whose Master_Down timer came due meanwhile then fires it after reading only the
 * oldest advert, whose receive time no longer holds the timer, while the live MASTER's newer
 * adverts still wait in the queue: a takeover from a live MASTER. Reading until the queue is
 * empty hands every queued advert to the core before any timer of that turn fires.
 */
function readUntilEmpty(socket: RawSocketInternals): void {
  const { wrap } = socket;
  if (
    typeof wrap?.recv !== 'function' ||
    typeof wrap.removeAllListeners !== 'function' ||
    !Buffer.isBuffer(socket.buffer)
  ) {
    // Another raw-socket than the one pinned: its own handler stays (one read per event).
    return;
  }
  // raw-socket's recv() on a closed socket silently opens a new one: never read after close
  // (ours, or raw-socket's own after a poll error).
  let closed = false;
  const close = socket.close.bind(socket);
  socket.close = () => {
    closed = true;
    return close();
  };
  socket.once('close', () => {
    closed = true;
  });
  wrap.removeAllListeners('recvReady');
  wrap.on('recvReady', () => {
    const startMs = performance.now();
    while (!closed && performance.now() - startMs < READ_BUDGET_MS) {
      try {
        wrap.recv(socket.buffer, (buffer, bytes, source) => {
          socket.emit('message', buffer.subarray(0, bytes), source);
        });
      } catch (error) {
        // EAGAIN: the queue is empty (the fd is non-blocking). Anything else is raw-socket's.
        if (!/temporarily unavailable|would block/i.test((error as Error).message)) {
          socket.emit('error', error);
        }
        return;
      }
    }
  });
}
