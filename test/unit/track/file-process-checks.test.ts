// track_file values (garbage and unreadable files count as 0) and track_process counting.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrackValue, runFileCheck } from '../../../src/agent/track/file-check.js';
import { countProcesses, runProcessCheck } from '../../../src/agent/track/process-check.js';
import type { FileTrackerConfig, ProcessTrackerConfig } from '../../../src/agent/track/types.js';

const common = { intervalMs: 1000, timeoutMs: 500, weight: 1, rise: 1, fall: 1 };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floatd-trkfp-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('file tracker', () => {
  it.each([
    ['42\n', 42],
    ['  -17 trailing', -17],
    ['+5', 5],
    ['abc', undefined],
    ['', undefined],
  ])('parses %j as %s', (text, value) => {
    expect(parseTrackValue(text)).toBe(value);
  });

  const config = (path: string): FileTrackerConfig => ({
    ...common,
    name: 'wfile',
    type: 'file',
    path,
  });

  it('reads the integer in the file', async () => {
    const path = join(dir, 'weight');
    await writeFile(path, '-30\n');
    expect(await runFileCheck(config(path))).toEqual({ ok: true, value: -30 });
  });

  it('uses 0 with a warning for garbage or an unreadable file', async () => {
    const path = join(dir, 'garbage');
    await writeFile(path, 'not a number');
    expect(await runFileCheck(config(path))).toMatchObject({
      ok: true,
      value: 0,
      detail: expect.stringContaining('not an integer'),
    });
    expect(await runFileCheck(config(join(dir, 'missing')))).toMatchObject({
      ok: true,
      value: 0,
      detail: expect.stringContaining('unreadable'),
    });
  });
});

describe('process tracker', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('counts exact comm matches only (like pgrep ^name$)', async () => {
    const proc = join(dir, 'proc');
    for (const [pid, comm] of [
      ['10', 'sshd'],
      ['11', 'ssh'],
      ['12', 'ssh'],
      ['self', 'ssh'],
    ] as const) {
      await mkdir(join(proc, pid), { recursive: true });
      await writeFile(join(proc, pid, 'comm'), `${comm}\n`);
    }
    expect(await countProcesses('ssh', proc)).toBe(2);
    expect(await countProcesses('sshd', proc)).toBe(1);
  });

  it('finds a real `sleep 30` and loses it when killed', async () => {
    // A uniquely named copy of sleep, so other processes on the machine cannot interfere.
    const name = `fltrk${process.pid % 100000}`;
    const binary = join(dir, name);
    await copyFile('/bin/sleep', binary);
    await chmod(binary, 0o755);
    const config: ProcessTrackerConfig = {
      ...common,
      name: 'p',
      type: 'process',
      process: name,
      minProcesses: 1,
    };

    expect(await runProcessCheck(config)).toMatchObject({ ok: false, value: 0 });
    child = spawn(binary, ['30'], { stdio: 'ignore' });
    await new Promise((resolve) => child!.once('spawn', resolve));
    expect(await runProcessCheck(config)).toEqual({ ok: true, value: 1 });
    expect(await runProcessCheck({ ...config, minProcesses: 2 })).toMatchObject({
      ok: false,
      value: 1,
    });

    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await runProcessCheck(config)).toMatchObject({ ok: false, value: 0 });
  });
});
