// Runs one script to completion with a timeout. Two implementations: ShellLauncher (forks from
// a small long-lived shell, off our event loop) and spawnLauncher (Node's spawn, the fallback).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { UserIds } from '../track/resolve-user.js';

export type ScriptOutcome =
  | { readonly kind: 'exited'; readonly status: number }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'not-started'; readonly error: Error };

export interface LaunchOptions {
  readonly timeoutMs: number;
  /** Time between SIGTERM and SIGKILL at the timeout. */
  readonly killGraceMs: number;
  /** Switch to these ids, supplementary groups cleared; absent: run as floatd itself. */
  readonly runAs?: UserIds;
}

/** Never rejects: every way a script ends is an outcome. */
export type ScriptLauncher = (
  argv: readonly string[],
  options: LaunchOptions,
) => Promise<ScriptOutcome>;

/** Signals a process group; a group already gone is not an error. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/**
 * Arms the timeout: SIGTERM (keepalived.conf(5) SCRIPTS: scripts should exit on SIGTERM), then
 * SIGKILL after the grace period. `pgid()` is undefined until the group is known.
 */
export class GroupTimeout {
  private timedOut = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly pgid: () => number | undefined,
    options: LaunchOptions,
  ) {
    this.timers.push(
      setTimeout(() => {
        this.timedOut = true;
        this.signal('SIGTERM');
        this.timers.push(setTimeout(() => this.signal('SIGKILL'), options.killGraceMs));
      }, options.timeoutMs),
    );
  }

  get expired(): boolean {
    return this.timedOut;
  }

  /** Called when the group becomes known, in case the timeout fired first. */
  groupKnown(): void {
    if (this.timedOut) this.signal('SIGTERM');
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  private signal(signal: NodeJS.Signals): void {
    const pgid = this.pgid();
    if (pgid !== undefined) killGroup(pgid, signal);
  }
}

/**
 * Node's spawn in a new process group (detached) so the timeout kills the script's children too.
 * Forks synchronously from floatd (~4-10 ms of blocked event loop): the fallback only.
 */
export const spawnLauncher: ScriptLauncher = (argv, options) =>
  new Promise((resolve) => {
    const [program, ...args] = argv;
    if (program === undefined) {
      resolve({ kind: 'not-started', error: new Error('empty argv') });
      return;
    }
    const child = spawn(program, args, {
      stdio: 'ignore',
      detached: true,
      // As script trackers do: libuv clears the supplementary groups (setgroups(0, NULL)), then
      // setgid, then setuid, in the child before exec.
      ...(options.runAs === undefined ? {} : { uid: options.runAs.uid, gid: options.runAs.gid }),
    });
    const timeout = new GroupTimeout(() => child.pid, options);
    child.once('error', (error) => {
      timeout.clear();
      resolve({ kind: 'not-started', error });
    });
    child.once('exit', (code, signal) => {
      timeout.clear();
      if (timeout.expired) resolve({ kind: 'timed-out' });
      else resolve({ kind: 'exited', status: code ?? 128 + signalNumber(signal) });
    });
  });

/** The shell's convention for a death by signal: 128 + its number. */
function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : constants.signals[signal];
}
