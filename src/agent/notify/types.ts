// The shapes the notify adapter takes: keepalived's notify_* hooks (keepalived.conf(5), vrrp_instance).

/** keepalived's $1 for the generic "notify" script and the FIFO line's first word. */
export type NotifyKind = 'INSTANCE' | 'GROUP';

/** Target state of a transition, always uppercase (keepalived.conf(5), "notify"). */
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

/**
 * One owner's hooks (an instance or a sync group). Each script is a command string: a program
 * path followed by arguments, split on white space with ' and " quoting (see parseScriptCommand).
 */
export interface NotifyHooks {
  readonly master?: string;
  readonly backup?: string;
  readonly fault?: string;
  readonly stop?: string;
  /** keepalived "notify": run for every state, after the state's own script, with 4 extra args. */
  readonly any?: string;
  /** A script still running after this is sent SIGTERM, then SIGKILL (its whole process group). */
  readonly timeoutMs?: number;
}

export interface NotifyCounters {
  /** Scripts started. */
  readonly run: number;
  /** Scripts that exited non-zero, could not start, or could not be parsed. */
  readonly failed: number;
  /** Scripts killed at their timeout (not counted in `failed`). */
  readonly timedOut: number;
  /** FIFO lines written. */
  readonly fifoWritten: number;
  /** FIFO lines dropped because the pipe was full (no reader draining it) or not writable. */
  readonly fifoDropped: number;
}
