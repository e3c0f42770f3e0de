// Failures of the host network adapter (stable codes: callers branch on `code`).
import { FloatdError } from '../errors.js';

/** A host command (`ip addr ...`) failed for a reason other than the idempotent ones. */
export class NetCommandError extends FloatdError {
  override readonly code = 'FLOATD_ERR_NET_COMMAND';

  readonly command: string;
  readonly stderr: string;

  constructor(cmd: string, args: readonly string[], stderr: string, cause: unknown) {
    const command = [cmd, ...args].join(' ');
    super(`${command} failed: ${stderr}`, { cause });
    this.command = command;
    this.stderr = stderr;
  }
}

/** The output of a host command could not be understood. */
export class NetOutputError extends FloatdError {
  override readonly code = 'FLOATD_ERR_NET_OUTPUT';

  constructor(command: string, detail: string, cause?: unknown) {
    super(`${command}: unexpected output: ${detail}`, { cause });
  }
}

/** GARP / NA schedule settings out of range (a programming or config-mapping error). */
export class AnnounceSettingsError extends FloatdError {
  override readonly code = 'FLOATD_ERR_NET_ANNOUNCE_SETTINGS';

  constructor(detail: string) {
    super(`invalid announcement settings: ${detail}`);
  }
}

/** An unsolicited neighbour advertisement could not be built or sent. */
export class NeighbourAdvertError extends FloatdError {
  override readonly code = 'FLOATD_ERR_NET_NA';

  constructor(detail: string, cause?: unknown) {
    super(`unsolicited NA: ${detail}`, { cause });
  }
}

/** A net adapter was used after close(). */
export class NetClosedError extends FloatdError {
  override readonly code = 'FLOATD_ERR_NET_CLOSED';

  constructor(what: string) {
    super(`${what} is closed`);
  }
}

/** A gratuitous ARP could not be built or sent (counted and logged by the sender, never fatal). */
export class GratuitousArpError extends FloatdError {
  override readonly code = 'FLOATD_ERR_GARP';

  constructor(detail: string, cause?: unknown) {
    super(`gratuitous ARP: ${detail}`, { cause });
  }
}
