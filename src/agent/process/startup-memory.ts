// What starting (or reloading) left behind, handed back to the kernel once the agent runs: the
// configuration worker's free malloc arena, and the runtime's start-up data (V8's snapshot,
// ICU tables: read-only pages of the Node.js executable, read while starting and rarely
// after). Code pages stay: a failover must not wait for the disk. One read brings a page back.
import type { Logger } from 'pino';
import { nativeAddon } from '../native/native-addon.js';

export function releaseStartupMemory(logger: Logger): void {
  try {
    const addon = nativeAddon();
    const trimmed = addon.trimMemory();
    const pagedOutBytes = addon.pageOutReadOnlyData();
    logger.debug(
      { event: 'startup-memory-released', trimmed, pagedOutBytes },
      'start-up memory released',
    );
  } catch (error) {
    // Only memory is at stake: say so and run on.
    logger.warn({ err: error }, 'could not hand start-up memory back to the kernel');
  }
}
