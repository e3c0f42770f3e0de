// The link watcher: parsing `ip -o monitor link`, the initial state, change reports, restarts of
// a dead monitor and the reconciling read. Fake monitor process, fake `ip`, fake timers.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandRunner } from '../../../src/agent/net/command-runner.js';
import {
  LinkWatcher,
  linkIsUp,
  parseMonitorLine,
  type MonitorProcess,
} from '../../../src/agent/net/link-watcher.js';

const logger = pino({ level: 'silent' });
const TAIL = 'mtu 1500 qdisc noqueue state';
const GROUP = 'group default \\    link/ether 42:dc:ec:1d:39:eb brd ff:ff:ff:ff:ff:ff link-netns x';
const line = (index: number, name: string, flags: string, state: string): string =>
  `${index}: ${name}@if3: <${flags}> ${TAIL} ${state} ${GROUP}\n`;
const DOWN = line(2, 'eth0', 'BROADCAST,MULTICAST', 'DOWN');
const UP = line(2, 'eth0', 'BROADCAST,MULTICAST,UP,LOWER_UP', 'UP');

describe('parseMonitorLine and linkIsUp', () => {
  it('reads index, name and state of link messages', () => {
    expect(parseMonitorLine(UP)).toEqual({ index: 2, name: 'eth0', deleted: false, up: true });
    expect(parseMonitorLine(DOWN)).toEqual({ index: 2, name: 'eth0', deleted: false, up: false });
    expect(parseMonitorLine(`Deleted ${UP}`)).toMatchObject({
      name: 'eth0',
      deleted: true,
      up: false,
    });
    expect(
      parseMonitorLine('1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN'),
    ).toMatchObject({
      name: 'lo',
      up: true,
    });
    expect(parseMonitorLine('')).toBeUndefined();
    expect(parseMonitorLine('    link/ether 42:dc:ec:1d:39:eb')).toBeUndefined();
  });

  it('does not take a transient LOWER_UP for up', () => {
    // Seen on a veth being set up: carrier flags ahead of operstate.
    expect(
      parseMonitorLine(line(2, 'eth0', 'NO-CARRIER,BROADCAST,MULTICAST,UP,LOWER_UP', 'DOWN'))?.up,
    ).toBe(false);
    expect(linkIsUp(['UP', 'LOWER_UP'], 'UNKNOWN')).toBe(true);
    expect(linkIsUp(['UP'], 'UNKNOWN')).toBe(false);
    expect(linkIsUp(['LOWER_UP'], undefined)).toBe(false);
    expect(linkIsUp([], 'UP')).toBe(true);
    expect(linkIsUp(['UP', 'LOWER_UP'], 'LOWERLAYERDOWN')).toBe(false);
  });
});

class FakeMonitor extends EventEmitter implements MonitorProcess {
  readonly stdout = new PassThrough();
  killed = false;
  kill(): boolean {
    this.killed = true;
    return true;
  }
  write(text: string): void {
    this.stdout.write(text);
  }
  die(): void {
    this.emit('close', 1, null);
  }
}

/** `ip -j link show dev X` answers from a mutable table; missing devices fail like iproute2. */
function fakeIp(links: Map<string, { ifindex: number; up: boolean }>) {
  const calls: string[] = [];
  const run: CommandRunner = async (cmd, args) => {
    calls.push([cmd, ...args].join(' '));
    const name = args[args.length - 1] ?? '';
    const link = links.get(name);
    if (link === undefined) {
      throw Object.assign(new Error('failed'), { stderr: `Device "${name}" does not exist.` });
    }
    const flags = link.up
      ? ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']
      : ['BROADCAST', 'MULTICAST'];
    const json = [
      { ifindex: link.ifindex, ifname: name, flags, operstate: link.up ? 'UP' : 'DOWN' },
    ];
    return { stdout: JSON.stringify(json), stderr: '' };
  };
  return { run, calls };
}

/** Let stream 'data' events and promise callbacks run. */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('LinkWatcher', () => {
  let monitors: FakeMonitor[];
  let links: Map<string, { ifindex: number; up: boolean }>;
  let ip: ReturnType<typeof fakeIp>;
  let watcher: LinkWatcher;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    monitors = [];
    links = new Map([['eth0', { ifindex: 2, up: true }]]);
    ip = fakeIp(links);
    watcher = new LinkWatcher({
      logger,
      run: ip.run,
      spawnMonitor: () => {
        const m = new FakeMonitor();
        monitors.push(m);
        return m;
      },
      restartDelayMs: 1000,
      settleMs: 250,
    });
  });
  afterEach(() => {
    watcher.close();
    vi.useRealTimers();
  });

  it('resolves the initial state and reports each change once', async () => {
    const changes: boolean[] = [];
    expect(await watcher.watch('eth0', (up) => changes.push(up))).toBe(true);
    expect(ip.calls).toEqual(['ip -j link show dev eth0']);
    const monitor = monitors[0] as FakeMonitor;
    monitor.write(DOWN + DOWN); // the kernel often sends several messages per change
    monitor.write(line(3, 'eth1', 'BROADCAST,MULTICAST,UP,LOWER_UP', 'UP'));
    monitor.write(UP.slice(0, 20)); // a line split across chunks
    await flush();
    expect(changes).toEqual([false]);
    monitor.write(UP.slice(20));
    await flush();
    expect(changes).toEqual([false, true]);
    expect(monitors).toHaveLength(1); // one monitor for all watched links
  });

  it('reports a missing interface as down, then up when it appears', async () => {
    const changes: boolean[] = [];
    expect(await watcher.watch('eth9', (up) => changes.push(up))).toBe(false);
    monitors[0]?.write(line(9, 'eth9', 'BROADCAST,MULTICAST,UP,LOWER_UP', 'UP'));
    monitors[0]?.write(`Deleted ${line(9, 'eth9', 'BROADCAST,MULTICAST', 'DOWN')}`);
    await flush();
    expect(changes).toEqual([true, false]);
  });

  it('reports a watched interface renamed away as down', async () => {
    const changes: boolean[] = [];
    await watcher.watch('eth0', (up) => changes.push(up));
    monitors[0]?.write(line(2, 'eth5', 'BROADCAST,MULTICAST,UP,LOWER_UP', 'UP'));
    await flush();
    expect(changes).toEqual([false]);
  });

  it('restarts a dead monitor and reads the links again to catch what it missed', async () => {
    const changes: boolean[] = [];
    await watcher.watch('eth0', (up) => changes.push(up));
    monitors[0]?.die();
    links.set('eth0', { ifindex: 2, up: false }); // changed while no monitor ran
    await vi.advanceTimersByTimeAsync(999);
    expect(monitors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(monitors).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(250);
    await flush();
    expect(changes).toEqual([false]);
    monitors[1]?.write(UP);
    await flush();
    expect(changes).toEqual([false, true]);
  });

  it('lets a monitor event that arrives during the initial read win over the read', async () => {
    let release: () => void = () => undefined;
    const slow: CommandRunner = async (cmd, args) => {
      await new Promise<void>((r) => (release = r));
      return ip.run(cmd, args);
    };
    const w = new LinkWatcher({
      logger,
      run: slow,
      spawnMonitor: () => monitors[0] ?? new FakeMonitor(),
    });
    monitors.push(new FakeMonitor());
    const pending = w.watch('eth0', () => undefined);
    monitors[0]?.write(DOWN); // newer than the `ip link show` still running
    await flush();
    release();
    expect(await pending).toBe(false);
    w.close();
  });

  it('close() stops the monitor for good', async () => {
    await watcher.watch('eth0', () => undefined);
    watcher.close();
    expect(monitors[0]?.killed).toBe(true);
    monitors[0]?.die();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(monitors).toHaveLength(1);
    await expect(watcher.watch('eth0', () => undefined)).rejects.toThrow(/closed/);
  });
});
