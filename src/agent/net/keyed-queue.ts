// Runs tasks one at a time per key (a promise chain per key), concurrently across keys.

export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Run `task` after every task queued earlier under `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    // An idle key starts now, in the caller's turn: no promise hop on the failover path.
    const result = previous === undefined ? startNow(task) : previous.then(task);
    // The tail never rejects: a failed task must not stop later ones.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Forget idle keys so a long-lived agent does not accumulate one entry per address ever seen.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

function startNow<T>(task: () => Promise<T>): Promise<T> {
  try {
    return task();
  } catch (error) {
    return Promise.reject(error);
  }
}
