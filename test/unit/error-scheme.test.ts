// Issue 12: one error scheme, as undici's: a single base class (src/errors.ts), and for each
// class one code, fixed as a field, FLOATD_ERR_*, never shared with another class. Read from the
// source, so a new class is checked without being listed here; and checked on real instances.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigWorkerError } from '../../src/agent/config/config-error.js';
import { InvalidAdvertError } from '../../src/agent/vrrp/codec/errors.js';
import { CloudApiError, FenceError, ImdsError } from '../../src/cloud/errors.js';
import { FloatdError } from '../../src/errors.js';

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface ErrorClass {
  readonly name: string;
  readonly base: string;
  readonly code: string | undefined;
  readonly file: string;
}

/** Every `class X extends Y` whose Y is an error class, with the code its body fixes. */
function errorClasses(): ErrorClass[] {
  const all: ErrorClass[] = [];
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/class (\w+) extends (\w+) \{([\s\S]*?)\n\}/g)) {
      const code = /readonly code(?:: string)? = '([A-Z0-9_]+)'/.exec(m[3] ?? '')?.[1];
      all.push({ name: m[1] ?? '', base: m[2] ?? '', code, file: relative(srcDir, file) });
    }
  }
  const errorNames = new Set(['Error']);
  // Close over inheritance: a class is an error class if its base is one.
  for (let grew = true; grew;) {
    grew = false;
    for (const c of all) {
      if (errorNames.has(c.base) && !errorNames.has(c.name)) {
        errorNames.add(c.name);
        grew = true;
      }
    }
  }
  return all.filter((c) => errorNames.has(c.base));
}

describe('one error scheme', () => {
  const classes = errorClasses();

  it('finds the error classes', () => {
    expect(classes.length).toBeGreaterThan(25);
  });

  it('has one base: only FloatdError extends Error', () => {
    expect(classes.filter((c) => c.base === 'Error').map((c) => `${c.file}: ${c.name}`)).toEqual([
      'errors.ts: FloatdError',
    ]);
  });

  it('fixes a FLOATD_ERR_* code as a field in every class, each its own', () => {
    const bad = classes.filter(
      (c) => c.code === undefined || !/^FLOATD_ERR(_[A-Z0-9]+)*$/.test(c.code),
    );
    expect(bad.map((c) => `${c.file}: ${c.name} (${c.code ?? 'no code'})`)).toEqual([]);
    const byCode = new Map<string, string[]>();
    for (const c of classes)
      byCode.set(c.code ?? '', [...(byCode.get(c.code ?? '') ?? []), c.name]);
    expect([...byCode].filter(([, names]) => names.length > 1)).toEqual([]);
  });

  it('gives instances their class code, name and cause', () => {
    const cause = new Error('low level');
    const cases: [FloatdError, string, string][] = [
      [
        new ConfigWorkerError('worker died', { cause }),
        'FLOATD_ERR_CONFIG_WORKER',
        'ConfigWorkerError',
      ],
      [new InvalidAdvertError('bad'), 'FLOATD_ERR_INVALID_ADVERT', 'InvalidAdvertError'],
      [
        new CloudApiError('CLOUD_THROTTLED', 'AssignPrivateIpAddresses', 'slow down', true),
        'FLOATD_ERR_CLOUD_API',
        'CloudApiError',
      ],
      [new ImdsError('IMDS_TIMEOUT', 'no answer'), 'FLOATD_ERR_IMDS', 'ImdsError'],
      [new FenceError('FENCE_NOT_OURS', 'not ours'), 'FLOATD_ERR_FENCE', 'FenceError'],
    ];
    for (const [error, code, name] of cases) {
      expect(error).toBeInstanceOf(FloatdError);
      expect(error).toMatchObject({ code, name });
    }
    expect((cases[0]?.[0] as Error).cause).toBe(cause);
    // The cause a class covers stays apart from its code.
    expect(cases[2]?.[0]).toMatchObject({ reason: 'CLOUD_THROTTLED', retryable: true });
  });
});
