// Starts short-lived commands (arping) from a small long-lived shell instead of from floatd.
// Node forks synchronously, and the fork's cost grows with the process: ~4 ms bare, ~10 ms with
// the AWS SDK loaded (measured here), during which nothing else runs, not even the cloud claim
// of the same failover. The shell is tiny, so its forks are cheap and off our event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import type { ArpingProcess, ArpingSpawner } from './arping-sender.js';

// Reads "<id> TAB <cmd> TAB <arg>..." lines; runs each command in the background with no output,
// then reports "<id> <exit status>". A tab is IFS white space: fields are never empty here.
const SCRIPT = `
tab=$(printf '\\t')
while IFS="$tab" read -r id cmd a1 a2 a3 a4 a5 a6 a7 a8; do
  set --
  for a in "$a1" "$a2" "$a3" "$a4" "$a5" "$a6" "$a7" "$a8"; do
    [ -n "$a" ] && set -- "$@" "$a"
  done
  { "$cmd" "$@" >/dev/null 2>&1; echo "$id $?"; } &
done
`;

const MAX_ARGS = 8;

/** What a command launched by the server looks like to its caller (exit status only). */
class ServedProcess extends EventEmitter implements ArpingProcess {
  readonly stderr = null;

  kill(): boolean {
    return false; // they live ~1 s; the server's group is killed on close()
  }
}

export class ForkServer {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, ServedProcess>();
  private closed = false;

  constructor(
    private readonly logger: Logger,
    /** When the server cannot take a command (not started, odd arguments). */
    private readonly fallback: ArpingSpawner,
  ) {}

  /** A spawner with ArpingSender's signature. */
  readonly spawn: ArpingSpawner = (cmd, args) => {
    const child = this.ensureStarted();
    const plain = [cmd, ...args].every((a) => a !== '' && !/[\t\n\r]/.test(a));
    if (child?.stdin === null || child === undefined || !plain || args.length > MAX_ARGS) {
      return this.fallback(cmd, args);
    }
    const id = this.nextId++;
    const served = new ServedProcess();
    this.pending.set(id, served);
    child.stdin.write(`${id}\t${[cmd, ...args].join('\t')}\n`);
    return served;
  };

  close(): void {
    this.closed = true;
    const pid = this.child?.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL'); // the shell and whatever it still runs
      } catch {
        // already gone
      }
    }
    this.child = undefined;
    for (const served of this.pending.values()) served.emit('close', null, 'SIGKILL');
    this.pending.clear();
  }

  private ensureStarted(): ChildProcess | undefined {
    if (this.closed) return undefined;
    if (this.child !== undefined) return this.child;
    // This one fork is paid once, at the first use (startup's first GARP or earlier via start()).
    const child = spawn('sh', ['-c', SCRIPT], {
      stdio: ['pipe', 'pipe', 'ignore'],
      detached: true,
    });
    this.child = child;
    child.stdin?.on('error', () => undefined);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const [id, status] = line.split(' ');
      const served = this.pending.get(Number(id));
      if (served === undefined) return;
      this.pending.delete(Number(id));
      served.emit('close', Number(status), null);
    });
    child.once('error', (error) => this.lost(child, error));
    child.once('exit', (code, signal) => this.lost(child, new Error(`exited (${code ?? signal})`)));
    child.unref();
    return child;
  }

  /** Start the shell now, before the failover path needs it. */
  start(): void {
    this.ensureStarted();
  }

  private lost(child: ChildProcess, error: Error): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (!this.closed) this.logger.warn({ err: error }, 'fork server lost; restarting on next use');
    for (const served of this.pending.values()) served.emit('error', error);
    this.pending.clear();
  }
}
