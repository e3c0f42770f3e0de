// Waiting for a daemon's previous run to be really gone before starting it again with the same
// pid files. keepalived refuses to start ("daemon is already running") while a pid in its pid
// files still exists, and a killed keepalived's VRRP child outlives its parent as a zombie
// until pid 1 reaps it: measured here up to ~1.5 s after a SIGKILL of the group.
import { readFileSync } from 'node:fs';

/** Still there: the pid, where it was read from, and its state letter from /proc (Z: zombie). */
export interface LingeringPid {
  readonly pid: number;
  readonly pidFile: string;
  readonly state: string | undefined;
}

function readPid(pidFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return undefined; // no file: nothing of that run left to wait for
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** As keepalived checks it: kill(pid, 0) fails with ESRCH only once the pid is reaped. */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function procState(pid: number): string | undefined {
  try {
    // "pid (comm) S ...": the state follows the last ')' (comm may contain one).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** The pids named in `pidFiles` that still exist now. */
export function lingeringPids(pidFiles: readonly string[]): LingeringPid[] {
  const out: LingeringPid[] = [];
  for (const pidFile of pidFiles) {
    const pid = readPid(pidFile);
    if (pid !== undefined && exists(pid)) out.push({ pid, pidFile, state: procState(pid) });
  }
  return out;
}

/** A previous run's process is still there after the wait. */
export class LingeringProcessError extends Error {
  constructor(
    readonly what: string,
    readonly lingering: readonly LingeringPid[],
    waitedMs: number,
  ) {
    const list = lingering
      .map((l) => `pid ${l.pid} (${l.pidFile}, state ${l.state ?? '?'})`)
      .join(', ');
    const zombie = lingering.some((l) => l.state === 'Z')
      ? ': a zombie (exited, not yet reaped by its parent or pid 1)'
      : '';
    super(`${what}: the previous run is still there after ${waitedMs} ms: ${list}${zombie}`);
    this.name = 'LingeringProcessError';
  }
}

/**
 * Resolve once no pid in `pidFiles` exists (files absent or stale count as gone); reject with
 * LingeringProcessError after `timeoutMs`.
 */
export async function waitForPidFilesFree(
  what: string,
  pidFiles: readonly string[],
  timeoutMs: number,
  stepMs = 20,
): Promise<void> {
  const startMs = Date.now();
  for (;;) {
    const lingering = lingeringPids(pidFiles);
    if (lingering.length === 0) return;
    const waitedMs = Date.now() - startMs;
    if (waitedMs >= timeoutMs) throw new LingeringProcessError(what, lingering, waitedMs);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
