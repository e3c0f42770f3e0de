// Runs keepalived-style notify hooks on a transition: fire and forget for the caller, in order per
// owner (an instance or a sync group), concurrently across owners, each script under a timeout.
// keepalived itself does not wait between transitions (its notify scripts can run concurrently
// and out of order; keepalived.conf(5) recommends the FIFO for ordering): we serialise per owner.
import type { Logger } from 'pino';
import type { UserIds } from '../track/resolve-user.js';
import { prepareScriptRun, type RunAs } from '../track/run-as.js';
import type { NotifyFifo } from './notify-fifo.js';
import { formatFifoLine } from './notify-fifo.js';
import type { ScriptLauncher } from './script-launcher.js';
import { parseScriptCommand } from './script-command.js';
import { ShellLauncher } from './shell-launcher.js';
import type {
  NotifyCounters,
  NotifyHooks,
  NotifyKind,
  NotifyScript,
  NotifyState,
} from './types.js';

export interface NotifyRunnerOptions {
  readonly logger: Logger;
  /** Default: a ShellLauncher owned (and closed) by the runner. */
  readonly launcher?: ScriptLauncher;
  /** keepalived notify_fifo; the caller opens and closes it. */
  readonly fifo?: NotifyFifo;
  /** For hooks without their own timeoutMs. */
  readonly defaultTimeoutMs?: number;
  /** SIGTERM at the timeout, SIGKILL this long after. */
  readonly killGraceMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_KILL_GRACE_MS = 1_000;

interface QueuedScript {
  readonly hook: string;
  readonly runAs: RunAs;
  readonly argv: () => string[];
}

/** A hook's command and who runs it (a plain string: floatd itself). */
function scriptOf(script: NotifyScript, extraArgs: readonly string[], hook: string): QueuedScript {
  const { script: command, ...runAs } = typeof script === 'string' ? { script } : script;
  return { hook, runAs, argv: () => [...parseScriptCommand(command), ...extraArgs] };
}

/** The state's own script (keepalived notify_master/backup/fault/stop). */
function stateScript(hooks: NotifyHooks, state: NotifyState): NotifyScript | undefined {
  switch (state) {
    case 'MASTER':
      return hooks.master;
    case 'BACKUP':
      return hooks.backup;
    case 'FAULT':
      return hooks.fault;
    case 'STOP':
      return hooks.stop;
  }
}

export class NotifyRunner {
  private readonly logger: Logger;
  private readonly launcher: ScriptLauncher;
  private readonly ownLauncher: ShellLauncher | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private runCount = 0;
  private failedCount = 0;
  private timedOutCount = 0;

  constructor(private readonly options: NotifyRunnerOptions) {
    this.logger = options.logger.child({ component: 'notify' });
    if (options.launcher === undefined) {
      this.ownLauncher = new ShellLauncher(this.logger);
      this.launcher = this.ownLauncher.launch;
    } else {
      this.launcher = options.launcher;
    }
  }

  /** Start the launcher's shell now, so the first transition does not pay its fork. */
  start(): void {
    this.ownLauncher?.start();
  }

  /**
   * Writes the FIFO line now and queues the scripts behind this owner's earlier ones. Returns at
   * once and never throws. Order (keepalived.conf(5) "notify"): the state's own script with only
   * its configured arguments, then `any` with 4 more: kind, name, state, priority.
   */
  notify(
    kind: NotifyKind,
    name: string,
    state: NotifyState,
    priority: number,
    hooks: NotifyHooks,
  ): void {
    try {
      this.options.fifo?.write(formatFifoLine(kind, name, state, priority));
      const scripts: QueuedScript[] = [];
      const own = stateScript(hooks, state);
      if (own !== undefined) scripts.push(scriptOf(own, [], state.toLowerCase()));
      if (hooks.any !== undefined) {
        scripts.push(scriptOf(hooks.any, [kind, name, state, String(priority)], 'any'));
      }
      if (scripts.length === 0) return;
      const timeoutMs = hooks.timeoutMs ?? this.options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
      const log = this.logger.child({ kind, name, state });
      // Started at once, in call order, none waiting for another (as keepalived forks them): a
      // slow script holds back neither `any` nor the next transition's scripts, nor shutdown's
      // STOP. The order of events is what the FIFO keeps.
      for (const script of scripts) {
        this.track(this.runOne(log, script, timeoutMs));
      }
    } catch (error) {
      this.logger.error({ err: error, kind, name, state }, 'notify failed');
    }
  }

  counters(): NotifyCounters {
    return {
      run: this.runCount,
      failed: this.failedCount,
      timedOut: this.timedOutCount,
      fifoWritten: this.options.fifo?.written ?? 0,
      fifoDropped: this.options.fifo?.dropped ?? 0,
    };
  }

  /** Resolves once every script queued so far has ended (e.g. the STOP scripts at shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Closes an owned launcher: its running scripts get SIGTERM. */
  close(): void {
    this.ownLauncher?.close();
  }

  private track(done: Promise<void>): void {
    const settled = done.catch((error: unknown) => {
      this.logger.error({ err: error }, 'notify task failed');
    });
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  private async runOne(log: Logger, script: QueuedScript, timeoutMs: number): Promise<void> {
    const { hook } = script;
    let argv: string[];
    try {
      argv = script.argv();
    } catch (error) {
      this.failedCount += 1;
      log.error({ err: error, hook }, 'notify script not run');
      return;
    }
    // The same rules as script trackers: the user and group resolved, and keepalived's script
    // security for a script that runs as root (others must not be able to change it).
    let ids: UserIds | undefined;
    try {
      ids = await prepareScriptRun(argv[0] as string, script.runAs);
    } catch (error) {
      this.failedCount += 1;
      log.error({ err: error, hook }, `notify script not run: ${(error as Error).message}`);
      return;
    }
    this.runCount += 1;
    const startedMs = performance.now();
    const outcome = await this.launcher(argv, {
      timeoutMs,
      killGraceMs: this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
      ...(ids === undefined ? {} : { runAs: ids }),
    });
    const fields = {
      hook,
      script: argv[0],
      ...(ids === undefined ? {} : { uid: ids.uid, gid: ids.gid }),
      durationMs: Math.round(performance.now() - startedMs),
    };
    switch (outcome.kind) {
      case 'exited':
        if (outcome.status === 0) {
          log.info(fields, 'notify script done');
        } else {
          this.failedCount += 1;
          log.warn({ ...fields, status: outcome.status }, 'notify script failed');
        }
        return;
      case 'timed-out':
        this.timedOutCount += 1;
        log.warn({ ...fields, timeoutMs }, 'notify script killed at its timeout');
        return;
      case 'not-started':
        this.failedCount += 1;
        log.warn({ ...fields, err: outcome.error }, 'notify script did not start');
        return;
    }
  }
}
