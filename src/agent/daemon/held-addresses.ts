// VIPs held by instances, counted per address and device: an address leaves the device only
// when the last instance that holds it lets go. Two instances may carry the same VIP (or a
// reload may move one from an instance to another while both are MASTER): without the count,
// one instance's removal would take the address from under the other. Changes to one address
// run one after another, so an add never overtakes a remove of the same address.
import type { AddressPort, Vip } from './ports.js';

export class HeldAddresses implements AddressPort {
  private readonly holders = new Map<string, number>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Inside afterwards(): the starts of changes asked for meanwhile. */
  private deferred: (() => void)[] | undefined;

  constructor(private readonly inner: AddressPort) {}

  /**
   * Changes asked for while `work` runs start when it returns, in the order asked: a stop of
   * every instance sends every priority-0 advert before the first `ip addr del` is written, not
   * each instance's advert after the previous instances' removals.
   */
  afterwards<T>(work: () => T): T {
    if (this.deferred !== undefined) return work();
    const starts: (() => void)[] = [];
    this.deferred = starts;
    try {
      return work();
    } finally {
      this.deferred = undefined;
      for (const start of starts) start();
    }
  }

  add(vip: Vip): Promise<void> {
    const key = keyOf(vip);
    this.holders.set(key, (this.holders.get(key) ?? 0) + 1);
    return this.inOrder(key, () => this.inner.add(vip));
  }

  remove(vip: Vip): Promise<void> {
    const key = keyOf(vip);
    const held = (this.holders.get(key) ?? 0) - 1;
    if (held > 0) {
      this.holders.set(key, held);
      return Promise.resolve();
    }
    this.holders.delete(key);
    return this.inOrder(key, () => this.inner.remove(vip));
  }

  removeLeftovers(vips: readonly Vip[]): Promise<Vip[]> {
    return this.inner.removeLeftovers(vips);
  }

  private inOrder(key: string, op: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(key);
    // Nothing pending for this address: start in the caller's turn, so a takeover's `ip addr
    // add` is written before the caller's bookkeeping runs, not one promise hop after it.
    const run =
      previous !== undefined
        ? previous.then(op, op)
        : this.deferred !== undefined
          ? deferredStart(this.deferred, op)
          : startNow(op);
    const settled = run.catch(() => undefined);
    this.queues.set(key, settled);
    // The map holds only pending work: the last one out removes its entry.
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }
}

function startNow(op: () => Promise<void>): Promise<void> {
  try {
    return op();
  } catch (error) {
    return Promise.reject(error);
  }
}

function deferredStart(starts: (() => void)[], op: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    starts.push(() => void startNow(op).then(resolve, reject));
  });
}

function keyOf(vip: Vip): string {
  return `${vip.address}%${vip.device}`;
}
