// The real clock's timers and the event loop: a timer whose time came while the loop was busy
// fires only after the I/O that arrived meanwhile has been read (libuv runs expired timers
// before it polls). Otherwise a BACKUP stalled for a moment takes over from a live MASTER
// whose adverts sit unread in its socket.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { deadlineClock } from '../../../src/agent/clock.js';

function busyWaitMs(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the event loop is stalled, as by a long synchronous task
  }
}

describe('deadlineClock and the I/O already waiting', () => {
  it('fires a timer that came due during a stall after the datagram that arrived during it', async () => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    const order: string[] = [];
    try {
      socket.on('message', () => order.push('advert'));
      const fired = new Promise<void>((resolve) => {
        deadlineClock.setTimer(deadlineClock.nowMs() + 5, () => {
          order.push('timer');
          resolve();
        });
      });
      // A datagram on its way, then a stall well past the timer's time.
      socket.send('x', socket.address().port, '127.0.0.1');
      busyWaitMs(50);
      await fired;
      expect(order).toEqual(['advert', 'timer']);
    } finally {
      socket.close();
    }
  });

  it('a timer cancelled after its time came but before it ran never fires', async () => {
    let fired = 0;
    const timer = deadlineClock.setTimer(deadlineClock.nowMs() + 1, () => fired++);
    // The same 1 ms list, queued after the timer's own: runs between its time and its run.
    setTimeout(() => timer.cancel(), 1);
    busyWaitMs(5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toBe(0);
  });
});
