// NotifyRunner with the real ShellLauncher: keepalived's argument order, fire-and-forget, per-owner
// ordering, timeouts that kill the script's whole process group.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  NotifyRunner,
  spawnLauncher,
  type NotifyRunnerOptions,
} from '../../../src/agent/notify/index.js';
import { requireLab } from '../../lab/require-lab.js';

const dir = mkdtempSync(join(tmpdir(), 'floatd-notify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runners: NotifyRunner[] = [];
afterEach(() => {
  runners.splice(0).forEach((r) => r.close());
});

function runner(options: Partial<NotifyRunnerOptions> = {}): NotifyRunner {
  const r = new NotifyRunner({ logger: pino({ level: 'silent' }), ...options });
  r.start();
  runners.push(r);
  return r;
}

/** An executable sh script in the temp dir; returns its path. */
function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function read(name: string): string {
  try {
    return readFileSync(join(dir, name), 'utf8');
  } catch {
    return '';
  }
}

/** Running (a killed process may linger as a zombie until its new parent reaps it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('NotifyRunner', () => {
  it('passes keepalived\'s arguments: the state script its own, "notify" (any) 4 more', async () => {
    const log = join(dir, 'args.log');
    // One write per line: the two scripts run at once and append to the same file.
    const record = script('record.sh', `line=$(printf '%s|' "$@"); echo "$line" >> ${log}`);
    const r = runner();
    r.notify('INSTANCE', 'VI_1', 'MASTER', 100, {
      master: `${record} master "two words"`,
      backup: `${record} backup`,
      any: `${record} any`,
    });
    await r.drain();
    // Both start at once (keepalived does not wait either): compare the lines, not their order.
    expect(read('args.log').split('\n').filter(Boolean).sort()).toEqual([
      'any|INSTANCE|VI_1|MASTER|100|',
      'master|two words|',
    ]);
    expect(r.counters()).toMatchObject({ run: 2, failed: 0, timedOut: 0 });
  });

  it('passes an argument the line protocol cannot carry through the spawn fallback', async () => {
    const record = script('record-tab.sh', `printf '%s|' "$@" > ${join(dir, 'tab.log')}`);
    const r = runner();
    r.notify('GROUP', 'G1', 'FAULT', 0, { fault: `${record} "a\tb" ""` });
    await r.drain();
    expect(read('tab.log')).toBe('a\tb||');
  });

  it('returns at once from a hung script, runs other owners meanwhile, kills it at the timeout', async () => {
    const hung = script(
      'hung.sh',
      `echo $$ > ${join(dir, 'hung.pid')}; sleep 30 & echo $! > ${join(dir, 'sleep.pid')}; wait`,
    );
    const quick = script('quick.sh', `echo done > ${join(dir, 'quick.out')}`);
    const r = runner({ killGraceMs: 200 });

    const startedMs = performance.now();
    r.notify('INSTANCE', 'slow', 'MASTER', 100, { master: hung, timeoutMs: 600 });
    expect(performance.now() - startedMs).toBeLessThan(20);

    await until(() => read('sleep.pid') !== '');
    const quickStartMs = performance.now();
    r.notify('INSTANCE', 'other', 'BACKUP', 90, { backup: quick });
    await until(() => read('quick.out') === 'done\n');
    expect(performance.now() - quickStartMs).toBeLessThan(500); // not behind the 600 ms timeout

    const pids = [Number(read('hung.pid')), Number(read('sleep.pid'))];
    expect(pids.every(alive)).toBe(true);
    await r.drain();
    const drainedMs = performance.now() - startedMs;
    expect(drainedMs).toBeGreaterThanOrEqual(590); // ran until its timeout...
    expect(drainedMs).toBeLessThan(5_000); // ...not its 30 s
    expect(r.counters()).toMatchObject({ run: 2, failed: 0, timedOut: 1 });
    await until(() => !pids.some(alive)); // the script and its child: the whole group
  });

  it('a slow script holds back neither any nor the next transition (keepalived does not wait)', async () => {
    const log = join(dir, 'order.log');
    const master = script('order-master.sh', `sleep 0.3; echo master >> ${log}`);
    const backup = script('order-backup.sh', `echo backup >> ${log}`);
    const any = script('order-any.sh', `echo "any $3" >> ${log}`);
    const hooks = { master, backup, any };
    const r = runner();
    r.notify('INSTANCE', 'VI_1', 'MASTER', 100, hooks);
    r.notify('INSTANCE', 'VI_1', 'BACKUP', 100, hooks);
    await r.drain();
    const lines = read('order.log').split('\n').filter(Boolean);
    expect([...lines].sort()).toEqual(['any BACKUP', 'any MASTER', 'backup', 'master']);
    expect(lines.indexOf('backup')).toBeLessThan(lines.indexOf('master'));
    expect(lines.indexOf('any MASTER')).toBeLessThan(lines.indexOf('master'));
  });

  it('counts failures and never throws to the caller', async () => {
    const fail = script('fail.sh', 'exit 3');
    const r = runner();
    expect(() => {
      r.notify('INSTANCE', 'a', 'MASTER', 1, { master: fail });
      r.notify('INSTANCE', 'b', 'MASTER', 1, { master: join(dir, 'no-such-script') });
      r.notify('INSTANCE', 'c', 'MASTER', 1, { master: `${fail} "unterminated` });
      r.notify('INSTANCE', 'd', 'STOP', 1, {});
    }).not.toThrow();
    await r.drain();
    // fail.sh ran and failed; the missing one and the unparsable one were not run.
    expect(r.counters()).toMatchObject({ run: 1, failed: 3, timedOut: 0 });
  });

  it('as root, does not run a script others can change (keepalived script security)', async (ctx) => {
    requireLab(ctx, () => (process.getuid?.() === 0 ? undefined : 'needs root'));
    const open = script('world-writable.sh', `echo ran > ${join(dir, 'insecure.out')}`);
    chmodSync(open, 0o777);
    const safe = script('safe.sh', `echo ran > ${join(dir, 'secure.out')}`);
    const r = runner();
    r.notify('INSTANCE', 'a', 'MASTER', 1, { master: open, backup: safe });
    r.notify('INSTANCE', 'a', 'BACKUP', 1, { master: open, backup: safe });
    await r.drain();
    expect(read('insecure.out')).toBe('');
    expect(read('secure.out')).toBe('ran\n');
    expect(r.counters()).toMatchObject({ run: 1, failed: 1 });
  });
});

describe('spawnLauncher', () => {
  it('kills the process group at the timeout', async () => {
    const hung = script(
      'hung-spawn.sh',
      `sleep 30 & echo $! > ${join(dir, 'spawn-sleep.pid')}; wait`,
    );
    const outcome = await spawnLauncher([hung], { timeoutMs: 300, killGraceMs: 200 });
    expect(outcome).toEqual({ kind: 'timed-out' });
    const pid = Number(read('spawn-sleep.pid'));
    await until(() => !alive(pid));
  });
});
