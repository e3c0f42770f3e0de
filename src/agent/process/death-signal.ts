// Long-lived helpers (`ip -o monitor link`, `ip -batch`, the notify shell) must end when floatd
// does, even by SIGKILL, which runs no exit handler: an orphaned `ip monitor` lives until its
// next write fails, which on a quiet link is never. The kernel does it for us: setpriv(1)
// (util-linux, Essential on Debian) sets PR_SET_PDEATHSIG=SIGKILL and execs the helper; the
// setting survives exec and is not inherited by the helper's own children.
// One race remains: floatd dying after the fork but before the prctl, when the helper has already
// been re-parented and no signal will come. So a shell runs between setpriv and the helper and
// goes on only if its parent is still floatd ($PPID is read after the prctl).
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface HelperCommand {
  readonly cmd: string;
  readonly args: string[];
}

const GUARD = '[ "$PPID" = "$1" ] || exit 1; shift; exec "$@"';

/**
 * `cmd args` started so that it is SIGKILLed when this process dies. Without setpriv on PATH
 * (not Debian), the command unchanged: helpers then end on their own (stdin EOF, a failed write).
 */
export function dieWithAgent(
  cmd: string,
  args: readonly string[],
  parentPid = process.pid,
  setprivAvailable = hasSetpriv(),
): HelperCommand {
  if (!setprivAvailable) return { cmd, args: [...args] };
  return {
    cmd: 'setpriv',
    args: ['--pdeathsig', 'KILL', '--', 'sh', '-c', GUARD, 'sh', String(parentPid), cmd, ...args],
  };
}

let setprivFound: boolean | undefined;

/** Is setpriv(1) on PATH? Looked up once. */
export function hasSetpriv(): boolean {
  setprivFound ??= (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir !== '' && existsSync(join(dir, 'setpriv')));
  return setprivFound;
}
