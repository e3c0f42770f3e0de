// The lab's wait for a daemon's previous run (keepalived's pid files) before a restart.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LingeringProcessError,
  lingeringPids,
  waitForPidFilesFree,
} from '../../../lab/pid-files.js';

const dir = mkdtempSync(join(tmpdir(), 'floatd-pid-files-'));

function pidFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('pid files of a previous run', () => {
  it('counts absent files, garbage and reaped pids as gone', () => {
    const reaped = spawn(process.execPath, ['-e', '']);
    expect(lingeringPids([join(dir, 'absent.pid'), pidFile('garbage.pid', 'x\n')])).toEqual([]);
    return new Promise<void>((resolve) => {
      reaped.once('exit', () => {
        // Node reaps its own children: the pid no longer exists.
        expect(lingeringPids([pidFile('reaped.pid', `${reaped.pid}\n`)])).toEqual([]);
        resolve();
      });
    });
  });

  it('waits while a pid exists and resolves once it is gone', async () => {
    const child = spawn('sleep', ['0.3']);
    const file = pidFile('live.pid', `${child.pid}\n`);
    expect(lingeringPids([file]).map((l) => l.pid)).toEqual([child.pid]);
    const startMs = Date.now();
    await waitForPidFilesFree('sleep', [file], 5000, 10);
    expect(Date.now() - startMs).toBeGreaterThanOrEqual(200);
  });

  it('gives up after the timeout, naming the pid, its file and its state', async () => {
    const child = spawn('sleep', ['5']);
    const file = pidFile('stuck.pid', `${child.pid}\n`);
    try {
      const error = await waitForPidFilesFree('keepalived on h1', [file], 100, 10).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LingeringProcessError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^keepalived on h1: the previous run is still there after \\d+ ms: pid ${child.pid} \\(${file}, state S\\)`,
        ),
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});
