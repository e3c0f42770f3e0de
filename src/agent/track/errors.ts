// Failures of the tracker adapters (stable codes: callers branch on `code`).
import { FloatdError } from '../errors.js';

/** keepalived enable_script_security: a path element of the script is writable by non-root. */
export class ScriptInsecureError extends FloatdError {
  override readonly code = 'FLOATD_ERR_TRACK_SCRIPT_INSECURE';

  readonly path: string;
  readonly mode: number;

  constructor(script: string, path: string, mode: number, why: string) {
    const octal = (mode & 0o7777).toString(8).padStart(4, '0');
    super(`refusing to run ${script}: ${path} (mode ${octal}) ${why}`);
    this.path = path;
    this.mode = mode;
  }
}

/** A script's `user` or `group` (a tracker's, a notify script's, or scriptUser) does not exist. */
export class ScriptUserError extends FloatdError {
  override readonly code = 'FLOATD_ERR_SCRIPT_USER';

  constructor(kind: 'user' | 'group', name: string, detail: string) {
    super(`cannot run a script as ${kind} "${name}": ${detail}`);
  }
}

/** A track entry refers to a tracker that is not configured. */
export class UnknownTrackerError extends FloatdError {
  override readonly code = 'FLOATD_ERR_TRACK_UNKNOWN';

  constructor(name: string) {
    super(`unknown tracker "${name}"`);
  }
}
