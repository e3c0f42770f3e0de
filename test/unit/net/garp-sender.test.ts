// The packet-socket GARP sender with a fake addon: one socket per interface opened at first
// use, frames with the interface's MAC, a new socket when the interface was re-created or its
// name moved, failures counted and logged without flooding. The real addon: the lab test.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/agent/clock.js';
import { NativeAddonMissingError } from '../../../src/agent/native/errors.js';
import type { PacketSocketFunctions } from '../../../src/agent/native/native-addon.js';
import { encodeGratuitousArp } from '../../../src/agent/net/arp-frame.js';
import { PacketGarpSender } from '../../../src/agent/net/garp-sender.js';
import type { Vip } from '../../../src/agent/net/vip.js';

const MAC_A = Buffer.from('02000000000a', 'hex');
const MAC_B = Buffer.from('02000000000b', 'hex');

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: fake`), { code });
}

/** A kernel of named interfaces and the packet sockets bound to them. */
class FakeKernel {
  readonly links = new Map<string, { index: number; mac: Buffer }>();
  readonly sockets = new Map<number, number>(); // fd -> ifindex
  readonly sent: { ifindex: number; frame: Buffer }[] = [];
  readonly calls: string[] = [];
  private nextFd = 100;
  private nextIndex = 2;

  createLink(name: string, mac: Buffer): number {
    const index = this.nextIndex++;
    this.links.set(name, { index, mac });
    return index;
  }

  deleteLink(name: string): void {
    this.links.delete(name);
  }

  private byIndex(ifindex: number): { index: number; mac: Buffer } | undefined {
    return [...this.links.values()].find((l) => l.index === ifindex);
  }

  readonly addon: PacketSocketFunctions = {
    open: (ifindex) => {
      this.calls.push(`open ${ifindex}`);
      if (this.byIndex(ifindex) === undefined) throw errno('ENODEV');
      const fd = this.nextFd++;
      this.sockets.set(fd, ifindex);
      return fd;
    },
    hardwareAddress: (fd) => {
      this.calls.push(`mac ${fd}`);
      return Buffer.from(this.byIndex(this.sockets.get(fd) ?? -1)?.mac ?? []);
    },
    interfaceIndex: (name) => {
      this.calls.push(`index ${name}`);
      const link = this.links.get(name);
      if (link === undefined) throw errno('ENODEV');
      return link.index;
    },
    send: (fd, ifindex, frame) => {
      if (!this.sockets.has(fd)) throw errno('EBADF');
      if (this.byIndex(ifindex) === undefined) throw errno('ENXIO');
      this.sent.push({ ifindex, frame });
      return frame.length;
    },
    close: (fd) => {
      this.calls.push(`close ${fd}`);
      this.sockets.delete(fd);
    },
  };
}

class ManualClock implements Clock {
  now = 1000;
  nowMs(): number {
    return this.now;
  }
  epochMs(): number {
    return 1_750_000_000_000 + this.now;
  }
  setTimer(): { cancel(): void } {
    throw new Error('the sender sets no timers');
  }
}

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

function setup(opts: { recheckAfterMs?: number; warnEveryMs?: number } = {}) {
  const kernel = new FakeKernel();
  const clock = new ManualClock();
  const log = logCapture();
  const sender = new PacketGarpSender({
    logger: log.logger,
    clock,
    addon: () => kernel.addon,
    ...opts,
  });
  return { kernel, clock, sender, log };
}

const vip = (address: string, device = 'eth0'): Vip => ({ address, prefixLength: 24, device });
const flushLogs = () => new Promise((r) => setImmediate(r));

describe('PacketGarpSender', () => {
  it('opens one socket per interface at first use and sends keepalived frames', () => {
    const { kernel, sender } = setup();
    const eth0 = kernel.createLink('eth0', MAC_A);
    const eth1 = kernel.createLink('eth1', MAC_B);
    expect(kernel.calls).toEqual([]); // nothing opened before the first send
    const vips = Array.from({ length: 200 }, (_, i) => vip(`10.1.${i >> 8}.${i & 255}`));
    for (const v of vips) sender.send(v);
    sender.send(vip('10.2.0.1', 'eth1'));
    expect(kernel.sent).toHaveLength(201);
    expect(kernel.sent[0]).toEqual({
      ifindex: eth0,
      frame: encodeGratuitousArp(MAC_A, '10.1.0.0'),
    });
    expect(kernel.sent[200]).toEqual({
      ifindex: eth1,
      frame: encodeGratuitousArp(MAC_B, '10.2.0.1'),
    });
    // One lookup and one socket per interface for the whole burst, not one per frame.
    expect(kernel.calls).toEqual([
      `index eth0`,
      `open ${eth0}`,
      'mac 100',
      'index eth1',
      `open ${eth1}`,
      'mac 101',
    ]);
    expect(sender.counters).toEqual({ sent: 201, failed: 0, reopened: 0 });
    // The next round (same burst) sends the very same frames: nothing is encoded again.
    for (const v of vips) sender.send(v);
    expect(kernel.sent[201]?.frame).toBe(kernel.sent[0]?.frame);
    expect(kernel.calls).toHaveLength(6);
  });

  it('an interface deleted and re-created: ENXIO, a new socket, and the frame still goes out', () => {
    const { kernel, sender } = setup();
    kernel.createLink('eth0', MAC_A);
    sender.send(vip('10.1.0.1'));
    kernel.deleteLink('eth0');
    const again = kernel.createLink('eth0', MAC_B);
    sender.send(vip('10.1.0.1')); // within the recheck period: the old socket, ENXIO, reopen
    expect(kernel.sent.at(-1)).toEqual({
      ifindex: again,
      frame: encodeGratuitousArp(MAC_B, '10.1.0.1'),
    });
    expect(kernel.calls).toContain('close 100');
    expect([...kernel.sockets.keys()]).toEqual([101]);
    expect(sender.counters).toEqual({ sent: 2, failed: 0, reopened: 1 });
  });

  it('the name now means another interface (renamed away, a new one made): a new socket after the recheck period', () => {
    const { kernel, clock, sender } = setup({ recheckAfterMs: 100 });
    const old = kernel.createLink('eth0', MAC_A);
    sender.send(vip('10.1.0.1'));
    kernel.links.set('old0', kernel.links.get('eth0') ?? { index: old, mac: MAC_A });
    const fresh = kernel.createLink('eth0', MAC_B);
    clock.now += 100;
    sender.send(vip('10.1.0.1'));
    expect(kernel.sent.map((s) => s.ifindex)).toEqual([old, fresh]);
    expect(kernel.sent.at(-1)?.frame).toEqual(encodeGratuitousArp(MAC_B, '10.1.0.1'));
    expect(sender.counters.reopened).toBe(1);
    expect(kernel.sockets.size).toBe(1);
  });

  it('reads the MAC again after the recheck period (`ip link set DEV address ...`)', () => {
    const { kernel, clock, sender } = setup({ recheckAfterMs: 100 });
    kernel.createLink('eth0', MAC_A);
    sender.send(vip('10.1.0.1'));
    (kernel.links.get('eth0') as { mac: Buffer }).mac = MAC_B;
    clock.now += 99;
    sender.send(vip('10.1.0.1'));
    clock.now += 1;
    sender.send(vip('10.1.0.1'));
    expect(kernel.sent.map((s) => s.frame.subarray(6, 12))).toEqual([MAC_A, MAC_A, MAC_B]);
    expect(sender.counters).toEqual({ sent: 3, failed: 0, reopened: 0 });
  });

  it('counts every failure, warns once per interface per period, and says when it works again', async () => {
    const { kernel, clock, sender, log } = setup({ warnEveryMs: 10_000 });
    for (let i = 0; i < 500; i++) sender.send(vip('10.1.0.1', 'eth7')); // no such interface
    expect(() => sender.send(vip('10.1.0.1', 'eth7'))).not.toThrow();
    clock.now += 10_000;
    sender.send(vip('10.1.0.1', 'eth7'));
    await flushLogs();
    expect(sender.counters).toEqual({ sent: 0, failed: 502, reopened: 0 });
    const warnings = log.lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ dev: 'eth7', failed: 1, err: { code: 'FLOATD_ERR_GARP' } });
    expect(String((warnings[0]?.err as { message?: string }).message)).toContain(
      '10.1.0.1 on eth7',
    );
    expect(warnings[1]).toMatchObject({ failed: 502, suppressedSinceLastWarning: 500 });

    kernel.createLink('eth7', MAC_A);
    sender.send(vip('10.1.0.1', 'eth7'));
    sender.send(vip('10.1.0.1', 'eth7'));
    await flushLogs();
    expect(log.lines.filter((l) => l.level === 30)).toEqual([
      expect.objectContaining({ dev: 'eth7', msg: 'gratuitous ARP sent again on this interface' }),
    ]);
    expect(sender.counters.sent).toBe(2);
  });

  it('a bad address and a missing addon are failures too, never exceptions', async () => {
    const kernel = new FakeKernel();
    kernel.createLink('eth0', MAC_A);
    const log = logCapture();
    const missing = new PacketGarpSender({
      logger: log.logger,
      addon: () => {
        throw new NativeAddonMissingError(['/x/floatd_native.node'], 'not built, no file');
      },
    });
    expect(() => missing.open()).toThrow(
      expect.objectContaining({ code: 'FLOATD_ERR_NATIVE_ADDON_MISSING' }),
    );
    missing.send(vip('10.1.0.1'));
    expect(missing.counters.failed).toBe(1);
    const { sender } = setup();
    sender.send(vip('10.1.0.999'));
    expect(sender.counters.failed).toBe(1);
    await flushLogs();
    // The log line names the missing file (pino's serializer folds the cause into the message).
    expect(log.lines[0]?.err).toMatchObject({
      code: 'FLOATD_ERR_GARP',
      message: expect.stringContaining('not built, no file: /x/floatd_native.node'),
    });
  });

  it('close() closes every socket; later sends do nothing', () => {
    const { kernel, sender } = setup();
    kernel.createLink('eth0', MAC_A);
    kernel.createLink('eth1', MAC_B);
    sender.send(vip('10.1.0.1'));
    sender.send(vip('10.1.0.2', 'eth1'));
    sender.close();
    expect(kernel.sockets.size).toBe(0);
    sender.send(vip('10.1.0.3'));
    expect(kernel.sent).toHaveLength(2);
    expect(kernel.sockets.size).toBe(0);
  });
});
