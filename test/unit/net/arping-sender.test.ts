// The arping GARP sender: its command line, the first spawn on the caller's stack, the rest one
// per loop turn, the concurrency cap, and close() killing what still runs. Fake processes.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ArpingSender, type ArpingProcess } from '../../../src/agent/net/arping-sender.js';
import type { Vip } from '../../../src/agent/net/vip.js';

const logger = pino({ level: 'silent' });
const vip = (n: number): Vip => ({ address: `10.0.0.${n}`, prefixLength: 24, device: 'eth0' });

class FakeArping extends EventEmitter implements ArpingProcess {
  readonly stderr = new PassThrough();
  killedWith: NodeJS.Signals | undefined;
  constructor(readonly args: string[]) {
    super();
  }
  kill(signal?: NodeJS.Signals): boolean {
    this.killedWith = signal;
    return true;
  }
  exit(code: number): void {
    this.emit('close', code, null);
  }
}

function harness(maxRunning = 2) {
  const spawned: FakeArping[] = [];
  const deferred: (() => void)[] = [];
  const sender = new ArpingSender({
    logger,
    maxRunning,
    maxQueued: 3,
    spawn: (cmd, args) => {
      expect(cmd).toBe('arping');
      const p = new FakeArping(args);
      spawned.push(p);
      return p;
    },
    defer: (fn) => deferred.push(fn),
  });
  const turn = (): void => {
    for (const fn of deferred.splice(0)) fn();
  };
  return { sender, spawned, turn };
}

describe('ArpingSender', () => {
  it('spawns `arping -U -c 1 -I DEV VIP` at once for the first announcement', () => {
    const { sender, spawned } = harness();
    sender.send(vip(100));
    expect(spawned.map((p) => p.args)).toEqual([['-U', '-c', '1', '-I', 'eth0', '10.0.0.100']]);
  });

  it('spawns the rest one per loop turn, up to maxRunning, then as processes exit', () => {
    const { sender, spawned, turn } = harness(2);
    for (const n of [1, 2, 3, 4]) sender.send(vip(n));
    expect(spawned).toHaveLength(1);
    turn();
    expect(spawned).toHaveLength(2);
    turn();
    expect(spawned).toHaveLength(2); // capped
    expect(sender.load).toEqual({ running: 2, queued: 2, dropped: 0 });
    spawned[0]?.exit(0);
    expect(spawned).toHaveLength(3);
    spawned[1]?.exit(1); // a failed arping frees its slot too
    turn();
    expect(spawned.map((p) => p.args[5])).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
  });

  it('drops announcements beyond maxQueued', () => {
    const { sender } = harness(1);
    for (const n of [1, 2, 3, 4, 5, 6]) sender.send(vip(n));
    expect(sender.load).toEqual({ running: 1, queued: 3, dropped: 2 });
  });

  it('frees the slot of an arping that cannot start', () => {
    const { sender, spawned, turn } = harness(1);
    sender.send(vip(1));
    sender.send(vip(2));
    spawned[0]?.emit('error', new Error('spawn arping ENOENT'));
    spawned[0]?.exit(-2); // Node may emit close after error: counted once
    turn();
    expect(spawned).toHaveLength(2);
    expect(sender.load.running).toBe(1);
  });

  it('close() kills running arping processes and drops the queue', () => {
    const { sender, spawned, turn } = harness(2);
    for (const n of [1, 2, 3]) sender.send(vip(n));
    turn();
    sender.close();
    expect(spawned.map((p) => p.killedWith)).toEqual(['SIGKILL', 'SIGKILL']);
    expect(sender.load).toEqual({ running: 0, queued: 0, dropped: 0 });
    spawned[0]?.exit(0);
    sender.send(vip(4));
    turn();
    expect(spawned).toHaveLength(2);
  });
});
