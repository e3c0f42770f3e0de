// floatd.yaml -> FloatdConfig, or a ConfigError listing every problem with file:line:column.
import { readFile } from 'node:fs/promises';

import { ConfigError, formatConfigIssue } from './config-error.js';
import type { ConfigIssue } from './config-error.js';
import { formatKeyPath } from './key-path.js';
import type { FloatdConfig } from './schema.js';
import { checkScriptUsers } from './script-users.js';
import { readYaml } from './yaml-source.js';
import { validateConfigData } from './zod-issues.js';

export { ConfigError } from './config-error.js';
export type { ConfigIssue } from './config-error.js';

export interface LoadOptions {
  /** Also check what only this host can say: the users and groups scripts run as. */
  readonly checkHost?: boolean;
  /** With checkHost: hand this host's problems here instead of failing (floatd validate). */
  readonly onHostIssues?: (issues: readonly ConfigIssue[]) => void;
}

export async function loadConfigFile(
  path: string,
  options: LoadOptions = {},
): Promise<FloatdConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const message = `cannot read: ${err instanceof Error ? err.message : String(err)}`;
    throw new ConfigError([{ file: path, line: 0, column: 0, path: '', message }], { cause: err });
  }
  const config = parseConfigText(text, path);
  if (options.checkHost === true) {
    try {
      await checkScriptUsers(text, path);
    } catch (err) {
      if (!(err instanceof ConfigError) || options.onHostIssues === undefined) throw err;
      options.onHostIssues(err.issues);
    }
  }
  return config;
}

/** Parse and validate config text; `file` is only used in messages. */
export function parseConfigText(text: string, file: string): FloatdConfig {
  const source = readYaml(text);
  const issues: ConfigIssue[] = source.problems.map((problem) => ({
    file,
    line: problem.position.line,
    column: problem.position.column,
    path: formatKeyPath(problem.path),
    message: problem.message,
  }));
  if (source.ok) {
    const result = validateConfigData(source.data);
    if (result.ok && issues.length === 0) return result.config;
    if (!result.ok) {
      for (const issue of result.issues) {
        const path = source.clampPath(issue.path);
        const { line, column } = source.locate(path, issue.at);
        issues.push({ file, line, column, path: formatKeyPath(path), message: issue.message });
      }
    }
  }
  throw new ConfigError(inTextOrder(issues));
}

/** Sorted by position (stable), each problem once. */
function inTextOrder(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return [...issues]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .filter((issue) => {
      const text = formatConfigIssue(issue);
      if (seen.has(text)) return false;
      seen.add(text);
      return true;
    });
}
