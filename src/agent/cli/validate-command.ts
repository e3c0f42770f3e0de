// `floatd validate -c FILE`: check a config file without touching the network (the script
// users are looked up as the host resolves them, which may ask a directory service).
import { parseArgs } from 'node:util';

import { explainClaimOrder } from '../../cloud/reconcile/claim-order.js';
import { configWarnings } from '../config/config-warnings.js';
import { ConfigError, type ConfigIssue } from '../config/config-error.js';
import { loadConfigFile } from '../config/load-config.js';
import type { FloatdConfig } from '../config/schema.js';
import { EXIT } from './exit-codes.js';

export interface CommandIo {
  /** Receives whole lines, each ending in "\n". */
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

export const VALIDATE_USAGE = `Usage: floatd validate -c FILE

Check a floatd configuration file and report every problem with its line and key. A script
user or group this host does not have is a warning here (the file may be meant for another
host); floatd run and a reload on this host refuse it.

Options:
  -c, --config FILE  the configuration file (YAML)
  -h, --help         show this help
`;

/**
 * `argv` holds the arguments after "validate". Returns the exit code: 0 valid, 1 invalid or
 * unreadable, 2 usage error.
 */
export async function runValidate(argv: string[], io: CommandIo): Promise<number> {
  let file: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (values.help === true) {
      io.stdout(VALIDATE_USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0) {
      return usageError(io, `unexpected argument '${positionals[0] ?? ''}'`);
    }
    file = values.config;
  } catch (err) {
    // parseArgs: unknown option, or -c without a value.
    return usageError(io, err instanceof Error ? err.message : String(err));
  }
  if (file === undefined || file === '') return usageError(io, 'missing -c FILE');

  try {
    let hostIssues: readonly ConfigIssue[] = [];
    const config = await loadConfigFile(file, {
      checkHost: true,
      onHostIssues: (issues) => (hostIssues = issues),
    });
    io.stdout(`${file}: OK (${summary(config)})\n`);
    for (const line of claimOrder(config)) io.stdout(`${line}\n`);
    for (const warning of configWarnings(config)) io.stderr(`${file}: warning: ${warning}\n`);
    for (const issue of hostIssues) io.stderr(`${hostWarning(issue)}\n`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(`${err.message}\n`);
    return EXIT.config;
  }
}

/** `floatd.yaml:1:21: warning: scriptUser.user: expected a user that exists ... (floatd run ...)` */
function hostWarning(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: warning: ${issue.path}: ${issue.message} (floatd run on this host would refuse it)`;
}

function usageError(io: CommandIo, message: string): number {
  io.stderr(`floatd validate: ${message}\n\n${VALIDATE_USAGE}`);
  return EXIT.usage;
}

/** Per instance with cloud targets, the order its claims go in when it becomes MASTER. */
export function claimOrder(config: FloatdConfig): string[] {
  return config.instances
    .filter((i) => i.cloud.length > 0)
    .flatMap((i) => [
      `${i.name}: cloud claims on becoming MASTER:`,
      ...explainClaimOrder(i.cloud).map((line) => `  ${line}`),
    ]);
}

/** "2 instances: web vrid 51 on eth0 v3 ipv4 multicast, db vrid 52 on eth0 v2 ipv4 unicast" */
export function summary(config: FloatdConfig): string {
  const count = config.instances.length;
  const list = config.instances
    .map((i) => `${i.name} vrid ${i.vrid} on ${i.interface} v${i.version} ${i.family} ${i.mode}`)
    .join(', ');
  return `${count} ${count === 1 ? 'instance' : 'instances'}: ${list}`;
}
