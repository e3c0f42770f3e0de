// keepalived's notify_fifo: one line per transition, `INSTANCE "VI_1" MASTER 100` + newline
// (keepalived.conf(5), vrrp_notify_fifo). Like keepalived (lib/notify.c fifo_open), we mkfifo
// the path if it is missing (and unlink it on close only if we made it) and open it
// O_RDWR|O_NONBLOCK: holding a read end ourselves means open never blocks or fails for want of
// a reader, lines queue in the pipe (64 KiB on Linux) until a reader comes, and a full pipe fails
// the write with EAGAIN instead of blocking: that line is dropped, counted and logged. (libuv
// opens every fd close-on-exec, so scripts do not inherit it.)
import { execFile } from 'node:child_process';
import { closeSync, constants, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { NotifyFifoError } from './errors.js';
import type { NotifyKind, NotifyState } from './types.js';

const execFileAsync = promisify(execFile);

/** The line keepalived writes: the generic notify script's last 4 arguments, name quoted. */
export function formatFifoLine(
  kind: NotifyKind,
  name: string,
  state: NotifyState,
  priority: number,
): string {
  return `${kind} "${name}" ${state} ${priority}\n`;
}

export class NotifyFifo {
  private fd: number | undefined;
  private created = false;
  private writtenCount = 0;
  private droppedCount = 0;

  private constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {}

  /** Creates the FIFO if missing (mode 0600; node has no mkfifo, so mkfifo(1), once) and opens it. */
  static async open(path: string, logger: Logger): Promise<NotifyFifo> {
    const fifo = new NotifyFifo(path, logger);
    if (!existsAsAnything(path)) {
      try {
        await execFileAsync('mkfifo', ['-m', '0600', path]);
        fifo.created = true;
      } catch (error) {
        throw new NotifyFifoError(path, 'cannot create it', { cause: error });
      }
    }
    const stat = lstatSync(path);
    if (!stat.isFIFO()) throw new NotifyFifoError(path, 'exists and is not a FIFO');
    try {
      fifo.fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (error) {
      fifo.removeIfCreated();
      throw new NotifyFifoError(path, 'cannot open it', { cause: error });
    }
    return fifo;
  }

  /** Never blocks, never throws: a write the pipe cannot take whole is dropped and counted. */
  write(line: string): boolean {
    if (this.fd === undefined) return this.drop(line, 'closed');
    const bytes = Buffer.from(line);
    try {
      // One write of < PIPE_BUF bytes is atomic: all or EAGAIN, never half a line.
      if (writeSync(this.fd, bytes) === bytes.length) {
        this.writtenCount += 1;
        return true;
      }
      return this.drop(line, 'short write');
    } catch (error) {
      return this.drop(line, (error as NodeJS.ErrnoException).code ?? String(error));
    }
  }

  get written(): number {
    return this.writtenCount;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.removeIfCreated();
  }

  private drop(line: string, reason: string): boolean {
    this.droppedCount += 1;
    // A reader that went away drops every line: warn on the first and every 100th, not each.
    if (this.droppedCount % 100 !== 1) return false;
    this.logger.warn(
      { fifo: this.path, line: line.trimEnd(), reason, dropped: this.droppedCount },
      'notify FIFO line dropped (no reader draining it?)',
    );
    return false;
  }

  private removeIfCreated(): void {
    if (!this.created) return;
    this.created = false;
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}

function existsAsAnything(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
