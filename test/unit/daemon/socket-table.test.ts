// The agent's socket table (src/agent/daemon/socket-table.ts): one socket per (interface,
// family), adverts handed to the instance of their VRID, other VRIDs counted, a socket opened
// for unicast only refusing a multicast instance, and unused sockets closed.
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/agent/config/load-config.js';
import type { InterfaceFacts } from '../../../src/agent/daemon/agent-types.js';
import type { AdvertSocket } from '../../../src/agent/daemon/ports.js';
import { SocketTable, type AdvertReceiver } from '../../../src/agent/daemon/socket-table.js';
import type { IpFamily, ReceivedAdvert } from '../../../src/agent/vrrp/codec/types.js';
import { SimClock } from '../../sim/sim-clock.js';

const ETH0: InterfaceFacts = { name: 'eth0', up: true, ipv4: ['10.0.0.1'] };

function config(mode: 'multicast' | 'unicast') {
  return parseConfigText(
    `instances:
  - name: a
    vrid: 7
    interface: eth0
    priority: 100
    mode: ${mode}
    unicast: { peers: [10.0.0.2] }
    vips: [10.0.0.100/24]
`,
    'test.yaml',
  );
}

class FakeSocket extends EventEmitter {
  closed = false;
  readonly counters = { sent: 0, sendErrors: 0, received: 0, rejected: {} };
  send(): void {}
  close(): void {
    this.closed = true;
  }
}

function table() {
  const opened: { socket: FakeSocket; family: IpFamily; join: boolean }[] = [];
  const sockets = new SocketTable({
    logger: pino({ level: 'silent' }),
    clock: new SimClock(),
    openSocket: (_iface, family, join) => {
      const socket = new FakeSocket();
      opened.push({ socket, family, join });
      return socket as unknown as AdvertSocket;
    },
  });
  return { sockets, opened };
}

function receiver(vrid: number, got: number[]): AdvertReceiver {
  return {
    config: { interface: 'eth0', family: 'ipv4', vrid },
    receive: (received) => got.push(received.advert.vrid),
  };
}

const advert = (vrid: number) => ({ advert: { vrid }, src: '10.0.0.9' }) as ReceivedAdvert;

describe('the socket table', () => {
  it('shares one socket per interface and family, and demultiplexes by VRID', () => {
    const { sockets, opened } = table();
    const first = sockets.open(ETH0, 'ipv4', config('multicast'));
    expect(sockets.open(ETH0, 'ipv4', config('multicast'))).toBe(first);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.join).toBe(true);
    const got: number[] = [];
    sockets.bind([receiver(7, got), receiver(8, got)]);
    const socket = opened[0]?.socket as FakeSocket;
    socket.emit('advert', advert(8), 0);
    socket.emit('advert', advert(7), 0);
    socket.emit('advert', advert(99), 0);
    expect(got).toEqual([8, 7]);
    expect(sockets.status()[0]).toMatchObject({
      socket: 'eth0/ipv4',
      rejected: { 'unknown-vrid': 1 },
    });
  });

  it('a socket opened for unicast only refuses a multicast instance with a precise message', () => {
    const { sockets, opened } = table();
    sockets.open(ETH0, 'ipv4', config('unicast'));
    expect(opened[0]?.join).toBe(false);
    expect(() => sockets.open(ETH0, 'ipv4', config('multicast'))).toThrow(
      /opened for unicast only; a multicast instance there needs a restart/,
    );
  });

  it('closes the sockets no bound instance uses, and all of them on stop', () => {
    const { sockets, opened } = table();
    sockets.open(ETH0, 'ipv4', config('multicast'));
    sockets.open(ETH0, 'ipv6', config('multicast'));
    sockets.bind([receiver(7, [])]);
    sockets.closeUnused();
    expect(opened.map((o) => o.socket.closed)).toEqual([false, true]);
    expect(sockets.get('eth0', 'ipv6')).toBeUndefined();
    sockets.closeAll();
    expect(opened[0]?.socket.closed).toBe(true);
  });
});
