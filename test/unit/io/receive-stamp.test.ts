// The kernel's receive time of the last packet read (SIOCGSTAMPNS), on a UDP socket over
// loopback: no stamp before timestamping is on, then the age of the packet just read.
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { MAX_RECEIVE_AGE_MS, ReceiveStamps } from '../../../src/agent/io/receive-stamp.js';
import { nativeAddon } from '../../../src/agent/native/native-addon.js';

function fdOf(socket: ReturnType<typeof createSocket>): number {
  // Node keeps the fd on the handle (Unix); not a public API, fine for a test.
  return (socket as unknown as { _handle: { fd: number } })._handle.fd;
}

describe('receive stamps', () => {
  it('-1 before the first call turned them on, then the age of the packet just read', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    try {
      const fd = fdOf(socket);
      expect(nativeAddon().receiveAgeNs(fd)).toBe(-1);
      const stamps = new ReceiveStamps(fd);
      // The kernel may turn receive timestamps on host-wide a moment later (deferred work, slow
      // on a loaded host): a packet that arrives before gets stamped when read, age ~0. Seen
      // once in CI; give it that moment.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const ages = await new Promise<number[]>((resolve) => {
        socket.once('message', () => {
          // Read 20 ms after its arrival: the stamp keeps the arrival.
          const until = performance.now() + 20;
          while (performance.now() < until) {
            // busy: the event loop must not read anything else meanwhile
          }
          resolve([nativeAddon().receiveAgeNs(fd) / 1e6, stamps.ageMs()]);
        });
        socket.send('x', socket.address().port, '127.0.0.1');
      });
      expect(ages[0]).toBeGreaterThanOrEqual(20);
      expect(ages[0]).toBeLessThan(1000);
      // Bounded: a wrong age (a clock step) can move a deadline only this much.
      expect(ages[1]).toBe(MAX_RECEIVE_AGE_MS);
    } finally {
      socket.close();
    }
  });

  it('an fd that is not a socket: no stamps, never an exception per packet', () => {
    const stamps = new ReceiveStamps(0);
    expect(stamps.ageMs()).toBe(0);
    expect(stamps.ageMs()).toBe(0);
  });
});
