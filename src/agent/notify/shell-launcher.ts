// Starts notify scripts from a small long-lived shell: Node forks synchronously and a large
// process pays ~10 ms per fork, so a transition would stall the event loop (the cloud claim of
// the same failover included). A notify script can hang, so each one runs under setsid(1) in its
// own session and process group, and the shell reports its pid: the timeout is a kill(-pgid)
// from here, a syscall, not a fork. A script with a user and group is started by setpriv(1)
// (util-linux, beside setsid), which clears the supplementary groups, then sets the gid and the uid
// (real, effective and saved) before it execs: what libuv does for Node's spawn (script trackers,
// spawnLauncher). keepalived's child does setgid, setgroups(1, &gid), setuid (lib/notify.c): its
// list holds the gid alone, ours is empty; with the gid as the process's own, access is the same.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { dieWithAgent, hasSetpriv } from '../process/death-signal.js';
import {
  GroupTimeout,
  killGroup,
  spawnLauncher,
  type LaunchOptions,
  type ScriptLauncher,
  type ScriptOutcome,
} from './script-launcher.js';

// Reads "<id> TAB <uid> TAB <gid> TAB <program> TAB <arg>..." lines (uid and gid "-": run as
// floatd). For each, a background subshell starts the script with setsid (a background job is not
// a group leader, so setsid execs in place, and setpriv too: its pid is the new group's id),
// prints "<id> pid <pid>", waits, and prints "<id> exit <status>". Tabs are IFS white space, so
// fields are never empty; set -f: no globbing of arguments.
const SCRIPT = `
tab=$(printf '\\t')
set -f
while IFS="$tab" read -r id uid gid cmd rest; do
  IFS="$tab"
  set -- $rest
  unset IFS
  if [ "$uid" != - ]; then
    set -- setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$cmd" "$@"
  else
    set -- "$cmd" "$@"
  fi
  {
    setsid "$@" </dev/null >/dev/null 2>&1 &
    echo "$id pid $!"
    wait $!
    echo "$id exit $?"
  } &
done
`;

interface Pending {
  pgid: number | undefined;
  readonly timeout: GroupTimeout;
  readonly resolve: (outcome: ScriptOutcome) => void;
}

export class ShellLauncher {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(
    private readonly logger: Logger,
    /** For argv the line protocol cannot carry, and when the shell is unavailable. */
    private readonly fallback: ScriptLauncher = spawnLauncher,
    /** Without setpriv, the shell cannot switch users: such scripts go to the fallback. */
    private readonly canSwitchUser: boolean = hasSetpriv(),
  ) {}

  readonly launch: ScriptLauncher = (argv, options) => {
    const plain = argv.length > 0 && argv.every((a) => a !== '' && !/[\t\n\r]/.test(a));
    const carried = plain && (options.runAs === undefined || this.canSwitchUser);
    const child = carried ? this.ensureStarted() : undefined;
    if (child?.stdin === null || child === undefined) return this.fallback(argv, options);
    return this.submit(child, argv, options);
  };

  /** Start the shell now (one fork, at startup), before a transition needs it. */
  start(): void {
    this.ensureStarted();
  }

  /** Kills the shell and SIGTERMs every script still running (keepalived does on exit). */
  close(): void {
    this.closed = true;
    const pid = this.child?.pid;
    if (pid !== undefined) killGroup(pid, 'SIGKILL');
    this.child = undefined;
    for (const entry of this.pending.values()) {
      if (entry.pgid !== undefined) killGroup(entry.pgid, 'SIGTERM');
      entry.timeout.clear();
      entry.resolve({ kind: 'not-started', error: new Error('launcher closed') });
    }
    this.pending.clear();
  }

  private submit(
    child: ChildProcess,
    argv: readonly string[],
    options: LaunchOptions,
  ): Promise<ScriptOutcome> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      const entry: Pending = {
        pgid: undefined,
        timeout: new GroupTimeout(() => entry.pgid, options),
        resolve,
      };
      this.pending.set(id, entry);
      const ids = options.runAs === undefined ? ['-', '-'] : [options.runAs.uid, options.runAs.gid];
      child.stdin?.write(`${id}\t${ids.join('\t')}\t${argv.join('\t')}\n`);
    });
  }

  private onLine(line: string): void {
    const [idText, what, value] = line.split(' ');
    const id = Number(idText);
    const entry = this.pending.get(id);
    if (entry === undefined) return;
    if (what === 'pid') {
      entry.pgid = Number(value);
      entry.timeout.groupKnown();
      return;
    }
    this.pending.delete(id);
    entry.timeout.clear();
    const status = Number(value);
    if (entry.timeout.expired) entry.resolve({ kind: 'timed-out' });
    // setsid(1) and setpriv(1) exit 126/127 when they cannot exec the program (util-linux
    // EX_EXEC_*); setpriv exits 127 too when it cannot switch the user or group.
    else if (status === 126 || status === 127) {
      // The script itself may exit so too: the message says both.
      entry.resolve({
        kind: 'not-started',
        error: new Error(
          `status ${status}: the program could not be executed (or it exited with ${status} itself)`,
        ),
      });
    } else entry.resolve({ kind: 'exited', status });
  }

  private ensureStarted(): ChildProcess | undefined {
    if (this.closed) return undefined;
    if (this.child !== undefined) return this.child;
    // Ends with floatd even by SIGKILL; its scripts do not (a death signal is not inherited).
    const { cmd, args } = dieWithAgent('sh', ['-c', SCRIPT]);
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'ignore'],
      detached: true,
    });
    this.child = child;
    child.stdin?.on('error', () => undefined);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) =>
      this.onLine(line),
    );
    child.once('error', (error) => this.lost(child, error));
    child.once('exit', (code, signal) => this.lost(child, new Error(`exited (${code ?? signal})`)));
    child.unref();
    return child;
  }

  private lost(child: ChildProcess, error: Error): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (!this.closed)
      this.logger.warn({ err: error }, 'notify launcher lost; restarting on next use');
    // Their exit status is lost with the shell; their timeouts still kill known groups.
    for (const entry of this.pending.values()) {
      entry.resolve({ kind: 'not-started', error });
    }
    this.pending.clear();
  }
}
