#!/usr/bin/env node
// floatd's command line: one entry, one module per subcommand.
import { FloatdError } from '../errors.js';
import { describeMissingProgram } from '../process/missing-program.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { packageVersion } from '../package-root.js';

const USAGE = `floatd: VRRP failover agent (keepalived-compatible on the wire) with cloud failover

Usage: floatd <command> [options]

Commands:
  run -c FILE        run the agent with a configuration file
  validate -c FILE   check a configuration file and exit
  plan -c FILE       the EC2 calls per cloud target and the IAM policy for them
  status             the running agent's state (from its /status endpoint)
  reload             make the running agent re-read its configuration (SIGHUP)
  import-keepalived FILE   convert a keepalived.conf to floatd.yaml (on stdout)
  help               this text
  version            floatd's version and its runtime's (also --version, -V)

Run \`floatd <command> --help\` for a command's options.

${EXIT_CODES_HELP}`;

const io = {
  stdout: (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  stderr: (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return (await import('./run-command.js')).runRun(rest, io);
    case 'validate':
      return (await import('./validate-command.js')).runValidate(rest, io);
    case 'import-keepalived':
      return (await import('./import-command.js')).runImport(rest, io);
    case 'reload':
      return (await import('./reload-command.js')).runReload(rest, io);
    case 'status':
      return (await import('./status-command.js')).runStatus(rest, io);
    case 'plan':
      return (await import('./plan-command.js')).runPlan(rest, io);
    case 'version':
    case '--version':
    case '-V':
      io.stdout(versionLine());
      return EXIT.ok;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      io.stderr(`floatd: unknown command "${command}"\n\n${USAGE}`);
      return EXIT.usage;
  }
}

/** `floatd 0.1.0 (Node.js v22.x)`: the package's version and the runtime it runs on. */
function versionLine(): string {
  return `floatd ${packageVersion()} (Node.js ${process.version})`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // What the host lacks is one line saying how to get it; floatd's own errors are their
    // message; only the unexpected gets a stack trace.
    const missing = describeMissingProgram(error);
    if (missing !== undefined) {
      process.stderr.write(`floatd: ${missing}\n`);
      process.exitCode = EXIT.startup;
      return;
    }
    if (error instanceof FloatdError) {
      process.stderr.write(`floatd: ${error.message} (${error.code})\n`);
      process.exitCode = EXIT.fatal;
      return;
    }
    process.stderr.write(`floatd: fatal: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT.fatal;
  },
);
