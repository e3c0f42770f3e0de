// `floatd import-keepalived keepalived.conf > floatd.yaml`: the converted configuration on
// stdout, every keyword not carried over on stderr with its file and line.
import { parseArgs } from 'node:util';
import {
  formatDiagnostic,
  importKeepalived,
  KeepalivedImportError,
} from '../import/import-keepalived.js';
import { formatConfigIssue } from '../config/config-error.js';
import { ConfigError, parseConfigText } from '../config/load-config.js';
import type { Diagnostic } from '../import/diagnostic.js';
import { EXIT } from './exit-codes.js';

export const IMPORT_USAGE = `Usage: floatd import-keepalived [--config-id ID] FILE > floatd.yaml

Converts a keepalived.conf (vrrp_instance, vrrp_script, vrrp_sync_group, track_*, notify*,
unicast peers, authentication, the relevant global_defs, include files) to floatd.yaml on
stdout. Every keyword floatd does not carry over is reported on stderr as
"file:line: unsupported: keyword: why"; nothing is dropped silently. The result is then checked
as \`floatd validate\` would: what still needs a hand is listed on stderr, each problem with
the keepalived line it comes from.

Options:
  --config-id ID   keepalived's -i: which @ID conditional lines apply (default: the host name)
  -h, --help       this text

Exit status: 0 converted (even with unsupported keywords); 1 the file cannot be read or is not text;
2 bad command line.`;

interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
}

export async function runImport(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { 'config-id': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    io.stderr(`floatd import-keepalived: ${(error as Error).message}\n\n${IMPORT_USAGE}`);
    return EXIT.usage;
  }
  if (parsed.values.help === true) {
    io.stdout(IMPORT_USAGE);
    return EXIT.ok;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    io.stderr(`floatd import-keepalived: expected one keepalived.conf\n\n${IMPORT_USAGE}`);
    return EXIT.usage;
  }
  try {
    const configId = parsed.values['config-id'];
    const result = await importKeepalived(file, configId === undefined ? {} : { configId });
    for (const d of result.diagnostics) io.stderr(formatDiagnostic(d));
    io.stdout(result.yaml);
    for (const line of validationReport(result.yaml, result.diagnostics)) io.stderr(line);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof KeepalivedImportError) {
      io.stderr(`floatd import-keepalived: ${error.message}`);
      return EXIT.config;
    }
    throw error;
  }
}

/**
 * The converted file checked as `floatd validate` would check it: each problem, with the
 * keepalived line that explains it where a diagnostic wrote the value at that key.
 */
function validationReport(yaml: string, diagnostics: readonly Diagnostic[]): string[] {
  try {
    parseConfigText(yaml, 'floatd.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const lines = error.issues.map((issue) => {
      const origin = diagnostics.find(
        (d) =>
          d.path !== undefined &&
          (issue.path === d.path ||
            issue.path.startsWith(`${d.path}.`) ||
            issue.path.startsWith(`${d.path}[`)),
      );
      const from = origin === undefined ? '' : ` (from ${origin.file}:${origin.line})`;
      return `  ${formatConfigIssue(issue)}${from}`;
    });
    return [
      `floatd import-keepalived: the result does not validate yet; fix ${lines.length === 1 ? 'this' : `these ${lines.length}`} in floatd.yaml:`,
      ...lines,
    ];
  }
}
