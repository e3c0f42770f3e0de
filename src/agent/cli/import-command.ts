// `floatd import-keepalived keepalived.conf > floatd.yaml`: the converted configuration on
// stdout, every keyword not carried over on stderr with its file and line.
import { parseArgs } from 'node:util';
import {
  formatDiagnostic,
  importKeepalived,
  KeepalivedImportError,
} from '../import/import-keepalived.js';
import { EXIT } from './exit-codes.js';

export const IMPORT_USAGE = `Usage: floatd import-keepalived [--config-id ID] FILE > floatd.yaml

Converts a keepalived.conf (vrrp_instance, vrrp_script, vrrp_sync_group, track_*, notify*,
unicast peers, authentication, the relevant global_defs, include files) to floatd.yaml on
stdout. Every keyword floatd does not carry over is reported on stderr as
"file:line: unsupported: keyword: why"; nothing is dropped silently. Check the result with
\`floatd validate -c floatd.yaml\`.

Options:
  --config-id ID   keepalived's -i: which @ID conditional lines apply (default: the host name)
  -h, --help       this text

Exit status: 0 converted (even with unsupported keywords); 1 the file cannot be read;
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
    return EXIT.ok;
  } catch (error) {
    if (error instanceof KeepalivedImportError) {
      io.stderr(`floatd import-keepalived: ${error.message}`);
      return EXIT.config;
    }
    throw error;
  }
}
