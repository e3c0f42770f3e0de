// The one place that finds and loads floatd's native addon (native/floatd-native, built by
// node-gyp at `npm ci`). From the sources (tsx), a `tsc` build (dist/) and a release (whose
// package root is lib/floatd) it is at <package root>/native/floatd-native/build/Release.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPackageRoot } from '../package-root.js';
import { NativeAddonMissingError } from './errors.js';

/** The addon's functions. Every failure is thrown with `code` = the errno name (ENXIO, ...). */
export interface NativeAddon {
  /** A send-only AF_PACKET socket bound to `ifindex` (close-on-exec, non-blocking): its fd. */
  open(ifindex: number): number;
  /** The bound interface's hardware address now; empty when the interface is gone. */
  hardwareAddress(fd: number): Buffer;
  /** The interface's index in this network namespace; throws ENODEV when there is none. */
  interfaceIndex(name: string): number;
  /** sendto() of one whole Ethernet frame on `ifindex`, synchronously: the bytes sent. */
  send(fd: number, ifindex: number, frame: Buffer): number;
  close(fd: number): void;
  /**
   * Nanoseconds since the kernel received the last packet read from socket `fd` (SIOCGSTAMPNS,
   * realtime clock); -1 when it has none yet: the first call turns the stamps on.
   */
  receiveAgeNs(fd: number): number;
  /** SIGTERM and SIGINT first send the armed releases, then call the handlers they replaced. */
  releaseOnSignal(): void;
  /** What the signal handler sends for `entry`; [] disarms. True: it already fired. */
  setRelease(
    entry: number,
    fd: number,
    packets: readonly { packet: Buffer; address: Buffer; scopeId?: number }[],
  ): boolean;
  /** Whether the signal handler sent `entry`'s packets. */
  releasedBySignal(entry: number): boolean;
  /** malloc_trim(0): glibc's free heap pages back to the kernel; true when some were. */
  trimMemory(): boolean;
  /**
   * MADV_PAGEOUT on the executable's read-only, non-executable file mappings (the runtime's
   * start-up snapshot and ICU data): the bytes advised.
   */
  pageOutReadOnlyData(): number;
  /** Sets FD_CLOEXEC on every socket (fd >= 3) lacking it; returns those fds. */
  markSocketsCloseOnExec(): number[];
  /**
   * One rtnetlink request, synchronously: RTM_NEWADDR (`add`; EEXIST when present) or
   * RTM_DELADDR (EADDRNOTAVAIL when absent) of `address` (4 or 16 bytes) on `ifindex`.
   */
  changeAddress(
    add: boolean,
    ifindex: number,
    address: Buffer,
    prefixLength: number,
    nodad: boolean,
    label?: string,
  ): void;
}

/** What the GARP sender uses: the packet socket. */
export type PacketSocketFunctions = Pick<
  NativeAddon,
  'open' | 'hardwareAddress' | 'interfaceIndex' | 'send' | 'close'
>;

const BUILD_OUTPUT = join('native', 'floatd-native', 'build', 'Release', 'floatd_native.node');
const here = dirname(fileURLToPath(import.meta.url));

/** Where the addon can be: under the package root of the module in `fromDir`. */
export function addonCandidates(fromDir = here): string[] {
  const root = findPackageRoot(fromDir);
  return root === undefined ? [] : [join(root, BUILD_OUTPUT)];
}

let loaded: NativeAddon | undefined;

/** Loaded on first use (a few hundred microseconds, once). Throws NativeAddonMissingError. */
export function nativeAddon(): NativeAddon {
  loaded ??= loadNativeAddon(addonCandidates());
  return loaded;
}

/** The first of `candidates` that exists, loaded (not cached). Throws NativeAddonMissingError. */
export function loadNativeAddon(candidates: readonly string[]): NativeAddon {
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) {
    throw new NativeAddonMissingError(candidates, 'not built, no file');
  }
  try {
    return createRequire(import.meta.url)(path) as NativeAddon;
  } catch (error) {
    // Present but unloadable: built for another Node ABI, or truncated.
    throw new NativeAddonMissingError([path], `cannot load (${(error as Error).message})`, error);
  }
}
