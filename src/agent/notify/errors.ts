import { FloatdError } from '../errors.js';

/** A notify script string that cannot be split into a program and its arguments. */
export class NotifyScriptSyntaxError extends FloatdError {
  override readonly code = 'FLOATD_ERR_NOTIFY_SCRIPT_SYNTAX';

  constructor(script: string, reason: string) {
    super(`notify script ${JSON.stringify(script)}: ${reason}`);
  }
}

/** The notify FIFO could not be created or opened. */
export class NotifyFifoError extends FloatdError {
  override readonly code = 'FLOATD_ERR_NOTIFY_FIFO';

  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`notify FIFO ${path}: ${reason}`, options);
  }
}
