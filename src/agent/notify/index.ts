// The notify adapter: keepalived-compatible notify scripts and notify FIFO.
export { NotifyFifoError, NotifyScriptSyntaxError } from './errors.js';
export { formatFifoLine, NotifyFifo } from './notify-fifo.js';
export { NotifyRunner, type NotifyRunnerOptions } from './notify-runner.js';
export { parseScriptCommand } from './script-command.js';
export {
  spawnLauncher,
  type LaunchOptions,
  type ScriptLauncher,
  type ScriptOutcome,
} from './script-launcher.js';
export { ShellLauncher } from './shell-launcher.js';
export type { NotifyCounters, NotifyHooks, NotifyKind, NotifyState } from './types.js';
