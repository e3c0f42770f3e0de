// The kernel's drop counter of a VRRP socket (SO_MEMINFO's SK_MEMINFO_DROPS), read through a fake
// raw socket: index 8 of the u32 array, read when the counters are asked for, kept after close.
import { EventEmitter } from 'node:events';
import { endianness } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { InterfaceInfo } from '../../../src/agent/io/interface-info.js';
import type { RawSocket } from '../../../src/agent/io/raw-socket.js';
import { readReceiveDrops, SO_MEMINFO, SOL_SOCKET } from '../../../src/agent/io/socket-options.js';
import { VrrpSocketBase, type ReceiveResult } from '../../../src/agent/io/vrrp-socket-base.js';

/** A raw socket whose SO_MEMINFO reports `drops` (or fails with `error`). */
function fakeRaw(state: { drops: number; error?: string; bytes?: number }): RawSocket {
  const raw = new EventEmitter() as unknown as RawSocket & { asked: number[][] };
  raw.asked = [];
  raw.getOption = (level: number, option: number, value: Buffer) => {
    raw.asked.push([level, option, value.length]);
    if (state.error !== undefined) throw new Error(state.error);
    const words = Array.from({ length: 9 }, (_, i) => (i === 8 ? state.drops : 1000 + i));
    words.forEach((w, i) =>
      endianness() === 'LE' ? value.writeUInt32LE(w, i * 4) : value.writeUInt32BE(w, i * 4),
    );
    return state.bytes ?? 36;
  };
  raw.close = () => raw;
  return raw;
}

const iface: InterfaceInfo = { name: 'eth0', index: 2, mac: '', up: true, ipv4: [], ipv6: [] };

class TestSocket extends VrrpSocketBase {
  constructor(raw: RawSocket) {
    super(raw, iface);
  }
  protected encode(): Buffer {
    return Buffer.alloc(0);
  }
  protected sendAddress(dst: string): string {
    return dst;
  }
  protected decode(): ReceiveResult {
    return { ok: false, reason: 'truncated', detail: '' };
  }
  protected ownAddressesOf(): readonly string[] {
    return [];
  }
}

describe('kernel receive drops (SO_MEMINFO)', () => {
  it('reads SK_MEMINFO_DROPS, the ninth u32, with getsockopt(SOL_SOCKET, SO_MEMINFO)', () => {
    const raw = fakeRaw({ drops: 19_744 }) as RawSocket & { asked: number[][] };
    expect(readReceiveDrops(raw)).toBe(19_744);
    expect(raw.asked).toEqual([[SOL_SOCKET, SO_MEMINFO, 36]]);
    expect([SOL_SOCKET, SO_MEMINFO]).toEqual([1, 55]);
  });

  it('an answer too short to hold the counter is an error', () => {
    expect(() => readReceiveDrops(fakeRaw({ drops: 1, bytes: 32 }))).toThrow(/32 bytes/);
  });

  it('the socket counters carry it, read when asked, and keep the last value once closed', () => {
    const state = { drops: 0 };
    const socket = new TestSocket(fakeRaw(state));
    expect(socket.counters.receiveDrops).toBe(0);
    state.drops = 4_711;
    expect(socket.counters.receiveDrops).toBe(4_711);
    socket.close();
    state.drops = 9_999;
    expect(socket.counters.receiveDrops).toBe(4_711);
  });

  it('a kernel without SO_MEMINFO: unknown, not 0, and never an exception', () => {
    const socket = new TestSocket(fakeRaw({ drops: 0, error: 'Protocol not available' }));
    expect(socket.counters.receiveDrops).toBeUndefined();
  });
});
