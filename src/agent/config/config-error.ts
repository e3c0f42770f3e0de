// A bad config fails fast with every problem at once, each with file, line, column and key path
// (ARCHITECTURE.md, "Errors").
import { FloatdError } from '../errors.js';

export interface ConfigIssue {
  readonly file: string;
  /** 1-based; 0 when the problem is the whole file (it could not be read). */
  readonly line: number;
  /** 1-based; 0 with line 0. */
  readonly column: number;
  /** "instances[0].priority"; "" for the document itself. */
  readonly path: string;
  readonly message: string;
}

/** `floatd.yaml:12:15: instances[0].priority: expected an integer from 1 to 255, got 300` */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const path = issue.path === '' ? '' : `${issue.path}: `;
  return `${where}: ${path}${issue.message}`;
}

/** The worker that reads the configuration (load-config-isolated.ts) failed unexpectedly. */
export class ConfigWorkerError extends FloatdError {
  override readonly code = 'FLOATD_ERR_CONFIG_WORKER';
}

export class ConfigError extends FloatdError {
  override readonly code = 'FLOATD_ERR_CONFIG';

  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], options?: { cause?: unknown }) {
    super(issues.map(formatConfigIssue).join('\n'), options);
    this.issues = issues;
  }
}
