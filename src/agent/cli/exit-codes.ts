// floatd's exit codes (documented in `floatd --help` and the README).
export const EXIT = {
  /** Done: validate found no problem; run stopped on SIGTERM/SIGINT after a clean handover. */
  ok: 0,
  /** The configuration is invalid. */
  config: 1,
  /** Bad command line. */
  usage: 2,
  /** The host cannot run the configuration: missing interface, no privileges, no raw socket. */
  startup: 3,
  /** An unexpected fatal error while running. */
  fatal: 4,
} as const;

export const EXIT_CODES_HELP = `Exit status:
  0  success (run: stopped by SIGTERM or SIGINT after handing over)
  1  invalid configuration
  2  bad command line
  3  cannot start on this host (interface, privileges, raw sockets)
  4  unexpected fatal error`;
