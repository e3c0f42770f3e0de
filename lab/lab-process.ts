// A process started in a lab host: its output kept, signals sent to its whole process group.
import type { ChildProcess } from 'node:child_process';

export class LabProcess {
  private out = '';
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.out += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.out += chunk));
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': it comes after stdout and stderr are drained, so output() is complete.
      child.once('close', (code, signal) => {
        this.exitCode = code ?? (signal === null ? null : -1);
        resolve(code);
      });
      child.once('error', (error) => {
        this.out += `\n[spawn error] ${error.message}\n`;
        this.exitCode = -1;
        resolve(-1);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  output(): string {
    return this.out;
  }

  /** Signal the whole process group; resolve when the process has exited (SIGKILL after 5 s). */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.running) return this.exitCode ?? null;
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), 5000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Send a signal without waiting (SIGSTOP freezes, SIGCONT thaws). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || !this.running) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone
    }
  }

  killSync(): void {
    this.signal('SIGCONT');
    this.signal('SIGKILL');
  }

  /** Wait until the output matches `pattern` (polls; rejects with the output on timeout). */
  async waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.out.match(pattern);
      if (match !== null) return match;
      if (!this.running) {
        throw new Error(`${this.label} exited before printing ${pattern}:\n${this.out}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.label}: no ${pattern} within ${timeoutMs} ms:\n${this.out}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
