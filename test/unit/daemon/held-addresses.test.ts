// HeldAddresses: a VIP held by two instances leaves the device only with its last holder, and
// changes to one address keep their order (an add never overtakes a pending remove).
import { describe, expect, it } from 'vitest';
import { HeldAddresses } from '../../../src/agent/daemon/held-addresses.js';
import type { AddressPort, Vip } from '../../../src/agent/daemon/ports.js';

const X: Vip = { address: '10.0.0.9', prefixLength: 24, device: 'eth0' };

/** An address port whose operations finish only when the test says so. */
function slowPort() {
  const log: string[] = [];
  const pending: (() => void)[] = [];
  const op = (what: string) => (vip: Vip) =>
    new Promise<void>((resolve) => {
      log.push(`start ${what} ${vip.address}`);
      pending.push(() => {
        log.push(`done ${what} ${vip.address}`);
        resolve();
      });
    });
  const port: AddressPort = {
    add: op('add'),
    remove: op('remove'),
    removeLeftovers: () => Promise.resolve([]),
  };
  return { port, log, pending };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Lets every queued operation start and finish. */
async function finishAll(pending: (() => void)[]): Promise<void> {
  for (let round = 0; round < 10; round += 1) {
    await tick();
    pending.splice(0).forEach((finish) => finish());
  }
}

describe('HeldAddresses', () => {
  it('removes an address only when its last holder lets go', async () => {
    const { port, log, pending } = slowPort();
    const held = new HeldAddresses(port);
    void held.add(X);
    void held.add(X);
    await finishAll(pending);
    await held.remove(X);
    await finishAll(pending);
    expect(log.filter((l) => l.startsWith('start remove'))).toEqual([]);
    const last = held.remove(X);
    await finishAll(pending);
    await last;
    expect(log.at(-1)).toBe('done remove 10.0.0.9');
  });

  it('runs an add after a pending remove of the same address, never before', async () => {
    const { port, log, pending } = slowPort();
    const held = new HeldAddresses(port);
    void held.add(X);
    await tick();
    pending.shift()?.();
    const removed = held.remove(X);
    const added = held.add(X);
    await tick();
    expect(log).toEqual(['start add 10.0.0.9', 'done add 10.0.0.9', 'start remove 10.0.0.9']);
    pending.shift()?.();
    await removed;
    await tick();
    pending.shift()?.();
    await added;
    expect(log.slice(3)).toEqual([
      'done remove 10.0.0.9',
      'start add 10.0.0.9',
      'done add 10.0.0.9',
    ]);
  });

  it("starts a change of an idle address at once, in the caller's turn", async () => {
    const { port, log, pending } = slowPort();
    const held = new HeldAddresses(port);
    const added = held.add(X);
    // No await in between: a takeover's `ip addr add` is written before its bookkeeping.
    expect(log).toEqual(['start add 10.0.0.9']);
    pending.shift()?.();
    await added;
  });

  it('turns an adapter that throws at once into a rejection', async () => {
    const failing: AddressPort = {
      add: () => {
        throw new Error('boom');
      },
      remove: () => Promise.resolve(),
      removeLeftovers: () => Promise.resolve([]),
    };
    await expect(new HeldAddresses(failing).add(X)).rejects.toThrow('boom');
  });

  it('afterwards(): changes asked for inside start when it returns, in order', async () => {
    const { port, log, pending } = slowPort();
    const held = new HeldAddresses(port);
    const Y: Vip = { ...X, address: '10.0.0.10' };
    const done = held.afterwards(() => {
      const changes = [held.add(X), held.add(Y)];
      log.push('work done');
      return changes;
    });
    expect(log).toEqual(['work done', 'start add 10.0.0.9', 'start add 10.0.0.10']);
    pending.splice(0).forEach((finish) => finish());
    await Promise.all(done);
  });
});
