// `floatd import-keepalived keepalived.conf`: the floatd.yaml text and what could not be
// carried over. The YAML is not validated here: `floatd validate` does that.
import { hostname } from 'node:os';
import { basename } from 'node:path';

import { stringify } from 'yaml';

import { convertConfig } from './convert-config.js';
import { printableDiagnostic } from './diagnostic.js';
import type { Diagnostic } from './diagnostic.js';
import { KeepalivedImportError } from './import-error.js';
import { parseKeepalivedConfig } from './parse-config.js';
import { printable } from './printable.js';

export { formatDiagnostic } from './diagnostic.js';
export type { Diagnostic, DiagnosticSeverity } from './diagnostic.js';
export { KeepalivedImportError } from './import-error.js';

export interface ImportOptions {
  /** keepalived's -i; default, as keepalived: the node name up to its first '.'. */
  readonly configId?: string;
}

export interface ImportResult {
  readonly yaml: string;
  readonly diagnostics: Diagnostic[];
}

export async function importKeepalived(
  path: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const configId = options.configId ?? hostname().split('.')[0] ?? '';
  let parsed;
  try {
    parsed = await parseKeepalivedConfig(path, { configId });
  } catch (err) {
    if (err instanceof KeepalivedImportError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new KeepalivedImportError(`cannot read ${printable(path)}: ${printable(why)}`, {
      cause: err,
    });
  }
  const converted = convertConfig(parsed.nodes);
  const header = `# Converted from ${basename(path)} by floatd import-keepalived.\n# Check it with: floatd validate -c floatd.yaml\n`;
  const yaml = header + stringify(converted.data, { lineWidth: 0 });
  // In file order (files as first met), then by line.
  const all = [...parsed.diagnostics, ...converted.diagnostics];
  const files = [...new Set(all.map((d) => d.file))];
  const diagnostics = all
    .sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line)
    .map(printableDiagnostic);
  return { yaml, diagnostics };
}
