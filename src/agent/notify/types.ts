// The shapes the notify adapter takes: keepalived's notify_* hooks (keepalived.conf(5), vrrp_instance).

/** keepalived's $1 for the generic "notify" script and the FIFO line's first word. */
export type NotifyKind = 'INSTANCE' | 'GROUP';

/** Target state of a transition, always uppercase (keepalived.conf(5), "notify"). */
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

/**
 * A command string (a program path followed by arguments, split on white space with ' and "
 * quoting, see parseScriptCommand), alone or with the user and group it runs as (keepalived's
 * `notify_master "/path args" USER [GROUP]`). A plain string runs as floatd itself.
 */
export type NotifyScript =
  string | { readonly script: string; readonly user?: string; readonly group?: string };

/** One owner's hooks (an instance or a sync group). */
export interface NotifyHooks {
  readonly master?: NotifyScript;
  readonly backup?: NotifyScript;
  readonly fault?: NotifyScript;
  readonly stop?: NotifyScript;
  /** keepalived "notify": run for every state, after the state's own script, with 4 extra args. */
  readonly any?: NotifyScript;
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
