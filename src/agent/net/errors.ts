// Failures of the host network adapter (stable codes: callers branch on `code`).
import { FloatdError } from '../errors.js';

/** A host command (`ip addr ...`) failed for a reason other than the idempotent ones. */
export class NetCommandError extends FloatdError {
  readonly command: string;
  readonly stderr: string;

  constructor(cmd: string, args: readonly string[], stderr: string, cause: unknown) {
    const command = [cmd, ...args].join(' ');
    super('FLOATD_NET_COMMAND', `${command} failed: ${stderr}`, { cause });
    this.command = command;
    this.stderr = stderr;
  }
}

/** The output of a host command could not be understood. */
export class NetOutputError extends FloatdError {
  constructor(command: string, detail: string, cause?: unknown) {
    super('FLOATD_NET_OUTPUT', `${command}: unexpected output: ${detail}`, { cause });
  }
}

/** GARP / NA schedule settings out of range (a programming or config-mapping error). */
export class AnnounceSettingsError extends FloatdError {
  constructor(detail: string) {
    super('FLOATD_NET_ANNOUNCE_SETTINGS', `invalid announcement settings: ${detail}`);
  }
}

/** An unsolicited neighbour advertisement could not be built or sent. */
export class NeighbourAdvertError extends FloatdError {
  constructor(detail: string, cause?: unknown) {
    super('FLOATD_NET_NA', `unsolicited NA: ${detail}`, { cause });
  }
}

/** A net adapter was used after close(). */
export class NetClosedError extends FloatdError {
  constructor(what: string) {
    super('FLOATD_NET_CLOSED', `${what} is closed`);
  }
}

/** A gratuitous ARP could not be built or sent (counted and logged by the sender, never fatal). */
export class GratuitousArpError extends FloatdError {
  constructor(detail: string, cause?: unknown) {
    super('FLOATD_ERR_GARP', `gratuitous ARP: ${detail}`, { cause });
  }
}
