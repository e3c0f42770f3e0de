// Runs the schema and turns zod's issues into "key path: message", one per problem: an unknown
// key becomes its own issue at that key, with a "did you mean" from the mapping's known keys.
import { z } from 'zod';

import { describeValue } from './describe-value.js';
import { formatKeyPath } from './key-path.js';
import { floatdConfigSchema } from './schema.js';
import type { FloatdConfig } from './schema.js';
import { suggestKey } from './suggest-key.js';

export interface PathIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** Report at the key (an unknown key) or at the value. */
  readonly at: 'key' | 'value';
}

export type SchemaResult =
  | { readonly ok: true; readonly config: FloatdConfig }
  | { readonly ok: false; readonly issues: readonly PathIssue[] };

const TYPE_NAME: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

export function validateConfigData(data: unknown): SchemaResult {
  // The known keys of each mapping that had unknown ones, by key path (for suggestions).
  const knownKeys = new Map<string, readonly string[]>();
  const errorMap = (issue: z.core.$ZodRawIssue): string | undefined => {
    if (issue.code === 'unrecognized_keys' && issue.inst instanceof z.ZodObject) {
      knownKeys.set(formatKeyPath(issue.path ?? []), Object.keys(issue.inst.shape));
    }
    return genericMessage(issue);
  };
  const result = floatdConfigSchema.safeParse(data, { error: errorMap });
  if (result.success) return { ok: true, config: result.data };
  const issues: PathIssue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code !== 'unrecognized_keys') {
      issues.push({ path: issue.path, message: issue.message, at: 'value' });
      continue;
    }
    const known = knownKeys.get(formatKeyPath(issue.path)) ?? [];
    for (const key of issue.keys) {
      issues.push({
        path: [...issue.path, key],
        message: unknownKeyMessage(key, known),
        at: 'key',
      });
    }
  }
  return { ok: false, issues };
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const suggestion = suggestKey(key, known);
  if (suggestion !== undefined) return `unknown key '${key}' (did you mean '${suggestion}'?)`;
  return known.length === 0
    ? `unknown key '${key}'`
    : `unknown key '${key}' (expected one of: ${known.join(', ')})`;
}

/** Messages for the issues a schema did not word itself. */
function genericMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      const what = TYPE_NAME[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `required: expected ${what}`;
      // "password: 1234" is a number to YAML.
      const hint =
        issue.expected === 'string' && ['number', 'boolean'].includes(typeof issue.input)
          ? ' (quote it)'
          : '';
      return `expected ${what}, got ${describeValue(issue.input)}${hint}`;
    }
    case 'invalid_value':
      return `expected ${issue.values.map((v) => String(v)).join(' or ')}, got ${describeValue(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown keys: ${issue.keys.join(', ')}`;
    default:
      return undefined;
  }
}
