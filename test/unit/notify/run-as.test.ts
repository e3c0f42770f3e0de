// Notify scripts as a user and group (issue 14, Build 2): the runner resolves who runs a script as
// script trackers do, and both launchers drop to it with the supplementary groups cleared
// (keepalived's child: setgid, setgroups, setuid). The real switches need root: requireLab.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  NotifyRunner,
  ShellLauncher,
  spawnLauncher,
  type LaunchOptions,
  type ScriptLauncher,
} from '../../../src/agent/notify/index.js';
import { requireLab } from '../../lab/require-lab.js';

const silent = pino({ level: 'silent' });
const idOf = (...args: string[]): number =>
  Number(execFileSync('id', args, { encoding: 'utf8' }).trim());
const NOBODY = { uid: idOf('-u', 'nobody'), gid: idOf('-g', 'nobody') };

// Scripts must be reachable by nobody (0755 directory); what they write goes to a 0777 one.
const dir = mkdtempSync(join(tmpdir(), 'floatd-notify-user-'));
chmodSync(dir, 0o755);
const out = join(dir, 'out');
mkdirSync(out);
chmodSync(out, 0o777);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A 0755 script that records "uid gid groups" of whoever runs it in out/<name>. */
function idScript(name: string): string {
  const path = join(dir, `${name}.sh`);
  writeFileSync(path, `#!/bin/sh\necho "$(id -u) $(id -g) $(id -G)" > ${join(out, name)}\n`);
  chmodSync(path, 0o755);
  return path;
}

const recorded = (name: string): string => readFileSync(join(out, name), 'utf8').trim();

/** A launcher that runs nothing and remembers what it was asked. */
function fakeLauncher(): { launch: ScriptLauncher; calls: LaunchOptions[] } {
  const calls: LaunchOptions[] = [];
  return {
    calls,
    launch: (_argv, options) => {
      calls.push(options);
      return Promise.resolve({ kind: 'exited', status: 0 });
    },
  };
}

describe('NotifyRunner: who runs a script', () => {
  it('resolves the user, with its primary group unless a group is given; a string runs as floatd', async () => {
    const { launch, calls } = fakeLauncher();
    const runner = new NotifyRunner({ logger: silent, launcher: launch });
    runner.notify('INSTANCE', 'a', 'MASTER', 100, {
      master: { script: '/bin/true', user: 'nobody' },
      any: { script: '/bin/true', user: String(NOBODY.uid), group: '0' },
    });
    await runner.drain();
    expect(calls.map((c) => c.runAs)).toEqual([NOBODY, { uid: NOBODY.uid, gid: 0 }]);
    calls.length = 0;
    runner.notify('INSTANCE', 'a', 'BACKUP', 100, { backup: '/bin/true' });
    await runner.drain();
    expect(calls).toHaveLength(1);
    expect(calls[0]).not.toHaveProperty('runAs');
  });

  it('does not run a script whose user or group is unknown, and counts it failed', async () => {
    const { launch, calls } = fakeLauncher();
    const runner = new NotifyRunner({ logger: silent, launcher: launch });
    runner.notify('INSTANCE', 'a', 'MASTER', 100, {
      master: { script: '/bin/true', user: 'floatd-no-such-user' },
      any: { script: '/bin/true', user: 'nobody', group: 'floatd-no-such-group' },
    });
    await runner.drain();
    expect(calls).toEqual([]);
    expect(runner.counters()).toMatchObject({ run: 0, failed: 2 });
  });

  it('a shell without setpriv hands a script with a user to its fallback', async () => {
    const fallback = fakeLauncher();
    const shell = new ShellLauncher(silent, fallback.launch, false);
    closers.push(() => shell.close());
    const outcome = await shell.launch(['/bin/true'], {
      timeoutMs: 1000,
      killGraceMs: 100,
      runAs: NOBODY,
    });
    expect(outcome).toEqual({ kind: 'exited', status: 0 });
    expect(fallback.calls.map((c) => c.runAs)).toEqual([NOBODY]);
  });
});

describe('as root: the script runs as its user, with no supplementary group left', () => {
  const needsRoot = (): string | undefined =>
    process.getuid?.() === 0 ? undefined : 'needs root to switch users';
  const nobodyLine = `${NOBODY.uid} ${NOBODY.gid} ${NOBODY.gid}`;

  it('from the notify shell (setpriv) and from the spawn fallback (libuv)', async (ctx) => {
    requireLab(ctx, needsRoot);
    const runner = new NotifyRunner({ logger: silent });
    runner.start();
    closers.push(() => runner.close());
    runner.notify('INSTANCE', 'a', 'MASTER', 100, {
      master: { script: idScript('shell'), user: 'nobody' },
      // A group given: that group, still no other.
      any: { script: idScript('shell-group'), user: 'nobody', group: '0' },
    });
    await runner.drain();
    expect(runner.counters()).toMatchObject({ run: 2, failed: 0 });
    expect(recorded('shell')).toBe(nobodyLine);
    expect(recorded('shell-group')).toBe(`${NOBODY.uid} 0 0`);

    const outcome = await spawnLauncher([idScript('spawn')], {
      timeoutMs: 5000,
      killGraceMs: 100,
      runAs: NOBODY,
    });
    expect(outcome).toEqual({ kind: 'exited', status: 0 });
    expect(recorded('spawn')).toBe(nobodyLine);
  });

  it('applies script security to what runs as root (uid 0, gid 0, set-ID root), not to nobody', async (ctx) => {
    requireLab(ctx, needsRoot);
    // keepalived.conf(5) enable_script_security: "Don't run scripts configured to be run as root
    // if any part of the path is writable by a non-root user"; root as keepalived's
    // check_script_secure counts it: uid 0, gid 0, or a set-user-ID or set-group-ID root file.
    const open = idScript('open');
    chmodSync(open, 0o777);
    const setuidOpen = idScript('setuid-open');
    chmodSync(setuidOpen, 0o4777);
    const runner = new NotifyRunner({ logger: silent });
    closers.push(() => runner.close());
    runner.notify('INSTANCE', 'a', 'MASTER', 100, {
      master: { script: open, user: 'root' },
      any: { script: open, user: 'nobody', group: '0' },
    });
    runner.notify('INSTANCE', 'b', 'MASTER', 100, {
      master: { script: setuidOpen, user: 'nobody' },
    });
    await runner.drain();
    expect(runner.counters()).toMatchObject({ run: 0, failed: 3 });
    runner.notify('INSTANCE', 'a', 'MASTER', 100, { master: { script: open, user: 'nobody' } });
    await runner.drain();
    expect(runner.counters()).toMatchObject({ run: 1, failed: 3 });
    expect(recorded('open')).toBe(nobodyLine);
  });
});
