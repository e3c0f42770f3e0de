// What the importer could not carry over (or carried over with a change in meaning), with the
// keepalived.conf file and line it came from: nothing is dropped silently.
import { printable } from './printable.js';

export type DiagnosticSeverity = 'unsupported' | 'info';

export interface Diagnostic {
  readonly file: string;
  /** 1-based line in `file`. */
  readonly line: number;
  /** The keepalived keyword concerned ("virtual_server", "smtp_alert", ...). */
  readonly keyword: string;
  readonly message: string;
  readonly severity: DiagnosticSeverity;
  /**
   * The floatd.yaml key path the problem affects ("instances[0].vips[1]"), when the value was
   * still written there: a schema error at or below it is explained by this diagnostic.
   */
  readonly path?: string;
}

/** The diagnostic with every quoted piece of input safe to print (printable.ts). */
export function printableDiagnostic(d: Diagnostic): Diagnostic {
  return {
    ...d,
    file: printable(d.file),
    keyword: printable(d.keyword),
    message: printable(d.message),
  };
}

/** `keepalived.conf:12: unsupported: smtp_alert: e-mail alerts are not supported` */
export function formatDiagnostic(d: Diagnostic): string {
  const p = printableDiagnostic(d);
  return `${p.file}:${p.line}: ${p.severity}: ${p.keyword}: ${p.message}`;
}
