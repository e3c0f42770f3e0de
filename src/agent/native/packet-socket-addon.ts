// The one place that finds and loads floatd's native addon (native/packet-socket, built by
// node-gyp at `npm ci`). It works from the sources (tsx: src/agent/native/) and from a `tsc`
// build (dist/src/agent/native/): both resolve to <package>/native/packet-socket/build/Release.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeAddonMissingError } from './errors.js';

/** The addon's functions. Every failure is thrown with `code` = the errno name (ENXIO, ...). */
export interface PacketSocketAddon {
  /** A send-only AF_PACKET socket bound to `ifindex` (close-on-exec, non-blocking): its fd. */
  open(ifindex: number): number;
  /** The bound interface's hardware address now; empty when the interface is gone. */
  hardwareAddress(fd: number): Buffer;
  /** The interface's index in this network namespace; throws ENODEV when there is none. */
  interfaceIndex(name: string): number;
  /** sendto() of one whole Ethernet frame on `ifindex`, synchronously: the bytes sent. */
  send(fd: number, ifindex: number, frame: Buffer): number;
  close(fd: number): void;
  /** Sets FD_CLOEXEC on every socket (fd >= 3) lacking it; returns those fds. */
  markSocketsCloseOnExec(): number[];
}

const BUILD_OUTPUT = join('native', 'packet-socket', 'build', 'Release', 'packet_socket.node');
const here = dirname(fileURLToPath(import.meta.url));

/** Where the addon can be: the package root is 3 levels up from src/, 4 from dist/src/. */
export function addonCandidates(fromDir = here): string[] {
  return [
    resolve(fromDir, '../../..', BUILD_OUTPUT),
    resolve(fromDir, '../../../..', BUILD_OUTPUT),
  ];
}

let loaded: PacketSocketAddon | undefined;

/** Loaded on first use (a few hundred microseconds, once). Throws NativeAddonMissingError. */
export function packetSocketAddon(): PacketSocketAddon {
  loaded ??= loadPacketSocketAddon(addonCandidates());
  return loaded;
}

/** The first of `candidates` that exists, loaded (not cached). Throws NativeAddonMissingError. */
export function loadPacketSocketAddon(candidates: readonly string[]): PacketSocketAddon {
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) {
    // The likeliest place first in the message: <package>/native/..., from src/ or from dist/.
    const expected = here.includes(join('dist', 'src')) ? [...candidates].reverse() : candidates;
    throw new NativeAddonMissingError(expected, 'not built, no file');
  }
  try {
    return createRequire(import.meta.url)(path) as PacketSocketAddon;
  } catch (error) {
    // Present but unloadable: built for another Node ABI, or truncated.
    throw new NativeAddonMissingError([path], `cannot load (${(error as Error).message})`, error);
  }
}
