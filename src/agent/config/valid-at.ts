// Cross-field rules run even when some fields failed (every problem is reported at once), so a
// rule first asks whether the fields it reads were parsed: a failed field holds raw input.
import type { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;

/** True when no issue so far touches `path` (under `prefix`), i.e. its value is parsed output. */
export type ValidAt = (...path: PropertyKey[]) => boolean;

export function validAt(issues: readonly RawIssue[], prefix: readonly PropertyKey[] = []): ValidAt {
  return (...rest) => {
    const path = [...prefix, ...rest];
    return !issues.some(
      // An unknown key beside a field does not make the field's value unparsed.
      (issue) => issue.code !== 'unrecognized_keys' && overlaps(issue.path ?? [], path),
    );
  };
}

/** One path is a prefix of the other: an issue on a parent or on a child of `path`. */
function overlaps(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
