// Config test helpers: YAML with "@@" marks where an error is expected, and the issues it gives.
import { expect } from 'vitest';

import { ConfigError, parseConfigText } from '../../../src/agent/config/load-config.js';
import type { ConfigIssue } from '../../../src/agent/config/load-config.js';

export interface Mark {
  readonly line: number;
  readonly column: number;
}

const MARK = '@@';

/** Strips each "@@" from `text`; returns the text and the 1-based positions they marked. */
export function marked(text: string): { text: string; marks: Mark[] } {
  const marks: Mark[] = [];
  let out = '';
  let rest = text;
  for (;;) {
    const i = rest.indexOf(MARK);
    if (i < 0) break;
    out += rest.slice(0, i);
    rest = rest.slice(i + MARK.length);
    const lines = out.split('\n');
    marks.push({ line: lines.length, column: (lines.at(-1) ?? '').length + 1 });
  }
  return { text: out + rest, marks };
}

/** A valid config of one instance, with `extra` lines added to the instance (4-space indent). */
export function oneInstance(extra = '', vips = '[10.99.0.100/24]'): string {
  return [
    'instances:',
    '  - name: web',
    '    vrid: 51',
    '    interface: eth0',
    `    vips: ${vips}`,
    ...extra
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `    ${line}`),
    '',
  ].join('\n');
}

export function configError(text: string, file = 'floatd.yaml'): ConfigError {
  try {
    parseConfigText(text, file);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError, the config was accepted');
}

/**
 * `markedText` must fail with exactly one issue, at its single "@@", for `path`, with a message
 * matching `message`; and the error's message must say the same in file:line:column form.
 */
export function expectOneIssue(markedText: string, path: string, message: RegExp): ConfigIssue {
  const { text, marks } = marked(markedText);
  expect(marks).toHaveLength(1);
  const err = configError(text);
  expect(err.issues.map((i) => `${i.path}: ${i.message}`)).toHaveLength(1);
  const issue = err.issues[0] as ConfigIssue;
  expect(issue.path).toBe(path);
  expect(issue.message).toMatch(message);
  expect({ line: issue.line, column: issue.column }).toEqual(marks[0]);
  expect(issue.file).toBe('floatd.yaml');
  expect(err.message).toBe(`floatd.yaml:${issue.line}:${issue.column}: ${path}: ${issue.message}`);
  return issue;
}
