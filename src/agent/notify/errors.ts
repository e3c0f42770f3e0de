import { FloatdError } from '../errors.js';

/** A notify script string that cannot be split into a program and its arguments. */
export class NotifyScriptSyntaxError extends FloatdError {
  constructor(script: string, reason: string) {
    super('FLOATD_NOTIFY_SCRIPT_SYNTAX', `notify script ${JSON.stringify(script)}: ${reason}`);
  }
}

/** The notify FIFO could not be created or opened. */
export class NotifyFifoError extends FloatdError {
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super('FLOATD_NOTIFY_FIFO', `notify FIFO ${path}: ${reason}`, options);
  }
}
