// The priority-0 adverts a SIGTERM or SIGINT sends before Node's own listeners run
// (native/floatd-native/release_on_signal.cc says why). Each MASTER instance keeps an entry
// armed with the exact packets of its core's releaseAdvert(); at shutdown the core is told
// whether they went out, so it neither skips nor repeats them.
import { nativeAddon } from '../native/native-addon.js';

/** One instance's packets: the bytes for sendto() and where to. */
export interface ReleasePacket {
  readonly packet: Buffer;
  /** The destination: 4 or 16 bytes. */
  readonly address: Buffer;
  /** An IPv6 link-local destination's interface index. */
  readonly scopeId?: number;
}

/** The native table's size (release_on_signal.cc). */
const MAX_ENTRIES = 4096;

let installed = false;
const free: number[] = [];
let nextEntry = 0;

/**
 * From now on SIGTERM and SIGINT first send the armed releases, then run Node's listeners.
 * Call after process.on('SIGTERM') and process.on('SIGINT'): the native handler chains to the
 * ones Node installed. Throws when the addon cannot be loaded (the listeners then send).
 */
export function installSignalRelease(): void {
  nativeAddon().releaseOnSignal();
  installed = true;
}

/** Whether arming does anything (the handler is installed in this process). */
export function signalReleaseInstalled(): boolean {
  return installed;
}

/** An entry for one instance, or undefined when the table is full. */
export function allocateReleaseEntry(): number | undefined {
  const reused = free.pop();
  if (reused !== undefined) return reused;
  if (nextEntry >= MAX_ENTRIES) return undefined;
  return nextEntry++;
}

/** Disarms `entry` and hands it back. */
export function freeReleaseEntry(entry: number): void {
  armRelease(entry, -1, []);
  free.push(entry);
}

/** What the handler sends for `entry` (nothing: an empty list). A no-op until installed. */
export function armRelease(entry: number, fd: number, packets: readonly ReleasePacket[]): void {
  if (!installed) return;
  nativeAddon().setRelease(entry, fd < 0 ? 0 : fd, packets);
}

/** Whether the handler sent `entry`'s packets. */
export function releasedBySignal(entry: number): boolean {
  return installed && nativeAddon().releasedBySignal(entry);
}
