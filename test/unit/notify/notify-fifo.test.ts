// The notify FIFO: keepalived's line format, created when missing, never blocking without a reader.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatFifoLine,
  NotifyFifo,
  NotifyFifoError,
  NotifyRunner,
} from '../../../src/agent/notify/index.js';

const run = promisify(execFile);
const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'floatd-fifo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('NotifyFifo', () => {
  it('writes keepalived lines a reader sees in order', async () => {
    const path = join(dir, 'existing.fifo');
    await run('mkfifo', [path]);
    const fifo = await NotifyFifo.open(path, logger);
    const runner = new NotifyRunner({ logger, fifo });
    try {
      const reader = run('head', ['-n', '3', path], { timeout: 5_000 });
      runner.notify('INSTANCE', 'VI_1', 'MASTER', 100, {});
      runner.notify('GROUP', 'G1', 'BACKUP', 0, {});
      runner.notify('INSTANCE', 'VI_1', 'STOP', 100, {});
      const { stdout } = await reader;
      expect(stdout).toBe(
        'INSTANCE "VI_1" MASTER 100\nGROUP "G1" BACKUP 0\nINSTANCE "VI_1" STOP 100\n',
      );
      expect(runner.counters()).toMatchObject({ fifoWritten: 3, fifoDropped: 0 });
    } finally {
      runner.close();
      fifo.close();
    }
    expect(existsSync(path)).toBe(true); // not ours to remove
  });

  it('creates a missing FIFO and removes it on close', async () => {
    const path = join(dir, 'created.fifo');
    const fifo = await NotifyFifo.open(path, logger);
    const { stdout } = await run('stat', ['-c', '%F %a', path]);
    expect(stdout.trim()).toBe('fifo 600');
    fifo.close();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a path that is not a FIFO', async () => {
    const path = join(dir, 'plain-file');
    writeFileSync(path, '');
    await expect(NotifyFifo.open(path, logger)).rejects.toBeInstanceOf(NotifyFifoError);
  });

  it('never blocks without a reader: fills the pipe, then drops and counts', async () => {
    const path = join(dir, 'unread.fifo');
    const fifo = await NotifyFifo.open(path, logger);
    try {
      const line = formatFifoLine('INSTANCE', 'VI_1', 'MASTER', 100);
      const startedMs = performance.now();
      let ok = 0;
      for (let i = 0; i < 5_000; i++) if (fifo.write(line)) ok += 1;
      expect(performance.now() - startedMs).toBeLessThan(1_000);
      expect(ok).toBe(fifo.written);
      expect(fifo.written * line.length).toBeLessThanOrEqual(1 << 20); // the pipe's capacity
      expect(fifo.dropped).toBe(5_000 - ok);
      expect(fifo.dropped).toBeGreaterThan(0);
    } finally {
      fifo.close();
    }
  });
});
