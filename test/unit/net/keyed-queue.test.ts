// KeyedQueue: one task at a time per key, an idle key's task starts in the caller's turn.
import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../../src/agent/net/keyed-queue.js';

describe('KeyedQueue', () => {
  it("starts an idle key's task at once and a busy key's task after the previous one", async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let finishFirst: () => void = () => undefined;
    const first = queue.run('a', () => {
      log.push('a1 start');
      return new Promise<void>((resolve) => (finishFirst = resolve));
    });
    const second = queue.run('a', async () => {
      log.push('a2 start');
    });
    const other = queue.run('b', async () => {
      log.push('b1 start');
    });
    expect(log).toEqual(['a1 start', 'b1 start']);
    finishFirst();
    await Promise.all([first, second, other]);
    expect(log).toEqual(['a1 start', 'b1 start', 'a2 start']);
  });

  it('keeps going after a task that fails, even synchronously', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('a', () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
