// Address changes through one long-lived `ip -force -batch -` instead of a fork per change.
// Why: bench:failover measured 5-10 ms from the MASTER transition to the kernel's address event
// with a fork of `ip` per change (keepalived, on netlink, ~1 ms), and the fork blocks the event
// loop, so an advert queued just before (the priority-0 one at shutdown) waits behind it.
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Socket } from 'node:net';
import type { CommandOutput, CommandRunner } from './command-runner.js';
import { execFileRunner } from './command-runner.js';
import { dieWithAgent } from '../process/death-signal.js';

// Fails everywhere ('/' is never in an interface name): its "Command failed -:N" line marks
// that every line before it has been executed (ip runs the lines one by one).
const SENTINEL = 'link show dev floatd/sync';
const FAILED = /^Command failed -:(\d+)$/;
/** Arguments batch mode would split or interpret: those commands run the classic way. */
const UNSAFE_ARG = /[\s"'#\\]|^$/;
const TIMEOUT_MS = 10_000;

interface Pending {
  readonly args: string[];
  readonly line: number;
  readonly sentinel: number;
  failedText: string | undefined;
  readonly resolve: (out: CommandOutput) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

/** Node's pipes to a child are net.Sockets (ref/unref). */
type BatchChild = ChildProcessByStdio<Socket, null, Socket>;

export class IpBatch {
  private child: BatchChild | undefined;
  private lineNo = 0;
  private pending: Pending[] = [];
  private partial = '';
  private text: string[] = [];
  private closed = false;

  constructor(private readonly fallback: CommandRunner = execFileRunner) {}

  /** Start the coprocess now, so the first change does not pay for the fork. */
  start(): void {
    this.ensure();
  }

  run(args: string[]): Promise<CommandOutput> {
    const child = args.some((a) => UNSAFE_ARG.test(a)) ? undefined : this.ensure();
    if (child === undefined) return this.fallback('ip', args);
    const line = ++this.lineNo;
    const sentinel = ++this.lineNo;
    return new Promise((resolve, reject) => {
      // A hung ip: kill it; the exit handler reruns everything pending the classic way.
      const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS).unref();
      this.pending.push({ args, line, sentinel, failedText: undefined, resolve, reject, timer });
      child.stderr.ref();
      child.stdin.write(`${args.join(' ')}\n${SENTINEL}\n`);
    });
  }

  close(): void {
    this.closed = true;
    this.child?.stdin.end();
  }

  private ensure(): BatchChild | undefined {
    if (this.closed) return undefined;
    if (this.child !== undefined) return this.child;
    let child: BatchChild;
    try {
      // Its own process group: a signal to the agent's group (Ctrl-C, a test's kill) must not
      // kill it in the middle of the shutdown's VIP removal. It exits on stdin EOF with us, and
      // is killed if we die (SIGKILL) while it hangs in a command.
      const { cmd, args: argv } = dieWithAgent('ip', ['-force', '-batch', '-']);
      child = spawn(cmd, argv, {
        stdio: ['pipe', 'ignore', 'pipe'],
        detached: true,
      }) as BatchChild;
    } catch {
      return undefined;
    }
    this.child = child;
    this.lineNo = 0;
    this.partial = '';
    this.text = [];
    child.unref();
    child.stdin.on('error', () => undefined); // EPIPE after a death: the exit handler copes
    // Idle, it must not keep the agent alive; with a change pending it must (ref in run()).
    child.stdin.unref();
    child.stderr.unref();
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => this.onStderr(chunk));
    const gone = (): void => this.onExit(child);
    child.once('exit', gone);
    child.once('error', gone);
    return child;
  }

  private onStderr(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const text of lines) {
      const m = FAILED.exec(text);
      const head = this.pending[0];
      if (m === null || head === undefined) {
        this.text.push(text);
        continue;
      }
      const n = Number(m[1]);
      if (n === head.line) {
        head.failedText = this.text.join('\n');
        this.text = [];
      } else if (n === head.sentinel) {
        this.pending.shift();
        clearTimeout(head.timer);
        if (this.pending.length === 0) this.child?.stderr.unref();
        this.text = [];
        if (head.failedText === undefined) head.resolve({ stdout: '', stderr: '' });
        else head.reject(Object.assign(new Error(head.failedText), { stderr: head.failedText }));
      }
    }
  }

  private onExit(child: BatchChild): void {
    if (this.child !== child) return;
    this.child = undefined;
    const pending = this.pending;
    this.pending = [];
    // Address changes are idempotent for the caller ("already present/absent"): rerun them.
    for (const p of pending) {
      clearTimeout(p.timer);
      this.fallback('ip', p.args).then(p.resolve, p.reject);
    }
  }
}

/** `ip addr add|del` through `batch`; everything else as separate commands. */
export function ipBatchRunner(batch: IpBatch): CommandRunner {
  return (cmd, args) =>
    cmd === 'ip' && args[0] === 'addr' && (args[1] === 'add' || args[1] === 'del')
      ? batch.run(args)
      : execFileRunner(cmd, args);
}
