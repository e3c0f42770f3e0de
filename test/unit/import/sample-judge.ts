// Judges an imported sample: valid floatd config, or each schema problem explained by an
// 'unsupported' diagnostic at (or above) its key path, or rejected only for issue-5 keys the
// schema does not know yet ("pending schema").
import { ConfigError, parseConfigText } from '../../../src/agent/config/load-config.js';
import type { ConfigIssue } from '../../../src/agent/config/load-config.js';
import type { Diagnostic } from '../../../src/agent/import/import-keepalived.js';

// Keys of issue 5 the schema may not know yet: rejecting only these is "pending schema".
const ISSUE5_KEYS = new Set(['trackers', 'syncGroups', 'notifyFifo', 'track', 'notify']);

export type Outcome = 'valid' | 'explained' | 'pending schema' | 'UNEXPLAINED';

function covers(diagnostic: Diagnostic, path: string): boolean {
  const at = diagnostic.path;
  if (diagnostic.severity !== 'unsupported' || at === undefined) return false;
  return path === at || path.startsWith(`${at}.`) || path.startsWith(`${at}[`);
}

export function isPendingSchema(issue: ConfigIssue): boolean {
  const last = issue.path.split('.').at(-1) ?? '';
  return issue.message.startsWith('unknown key') && ISSUE5_KEYS.has(last);
}

export function judge(
  yaml: string,
  diagnostics: readonly Diagnostic[],
): { outcome: Outcome; unexplained: string[] } {
  try {
    parseConfigText(yaml, 'floatd.yaml');
    return { outcome: 'valid', unexplained: [] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const pending = err.issues.filter(isPendingSchema);
    const unexplained = err.issues
      .filter((issue) => !isPendingSchema(issue) && !diagnostics.some((d) => covers(d, issue.path)))
      .map((issue) => `${issue.path}: ${issue.message}`);
    if (unexplained.length > 0) return { outcome: 'UNEXPLAINED', unexplained };
    return { outcome: pending.length > 0 ? 'pending schema' : 'explained', unexplained };
  }
}
