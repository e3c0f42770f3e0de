// ARCHITECTURE.md: the VRRP core, and the cloud reconciler machine and the controller's decisions
// built the same way, never touch the clock, randomness, sockets, processes or timers. ESLint
// enforces it while editing; this test enforces it independently, from the source text and from
// the module graph each actually loads.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface PureFolder {
  readonly dir: string;
  /** Files outside the folder it may import (pure themselves: types and functions only). */
  readonly alsoAllowed: readonly string[];
}

const PURE_FOLDERS: readonly PureFolder[] = [
  { dir: join(repoRoot, 'src/agent/vrrp'), alsoAllowed: ['src/agent/errors.ts'] },
  {
    dir: join(repoRoot, 'src/cloud/reconcile'),
    alsoAllowed: ['src/cloud/provider.ts', 'src/cloud/target.ts'],
  },
  // The serverless controller's decisions, apart from its handler's I/O.
  {
    dir: join(repoRoot, 'src/cloud/controller/logic'),
    alsoAllowed: ['src/cloud/provider.ts', 'src/cloud/target.ts', 'src/cloud/reconcile/fencing.ts'],
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Import specifiers of a TypeScript file (static, dynamic, re-exports). */
function importsOf(text: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) specifiers.push(match[1] as string);
  }
  return specifiers;
}

/** Strip comments and string literals so that a comment mentioning Date.now() is no offence. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

const ALLOWED_PACKAGES = new Set(['ipaddr.js']);
const FORBIDDEN_CODE: readonly [RegExp, string][] = [
  [/\bDate\b/, 'Date (the core takes nowMs as input)'],
  [/\bMath\.random\b/, 'Math.random (no randomness of its own)'],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\b/, 'timers (nextDeadlineMs instead)'],
  [/\bperformance\b/, 'performance (the core takes nowMs as input)'],
  [/\bprocess\b/, 'process (no process state)'],
  [/\b(fetch|XMLHttpRequest|WebSocket)\b/, 'network I/O'],
];

describe.each(PURE_FOLDERS.map((f) => [relative(repoRoot, f.dir), f] as const))(
  '%s is pure',
  (_folder, { dir, alsoAllowed }) => {
    const files = sourceFiles(dir);
    const allowed = new Set(alsoAllowed.map((f) => join(repoRoot, f).replace(/\.ts$/, '.js')));

    it('has source files to check', () => {
      expect(files.length).toBeGreaterThanOrEqual(3);
    });

    it.each(files.map((f) => [relative(repoRoot, f), f]))(
      '%s imports no I/O module',
      (_name, file) => {
        const offending = importsOf(readFileSync(file, 'utf8')).filter((spec) => {
          if (spec.startsWith('.')) {
            const target = resolve(dirname(file), spec);
            return !target.startsWith(dir) && !allowed.has(target);
          }
          return !ALLOWED_PACKAGES.has(spec);
        });
        expect(offending).toEqual([]);
      },
    );

    it.each(files.map((f) => [relative(repoRoot, f), f]))(
      '%s uses no clock, timer or randomness',
      (_name, file) => {
        const code = codeOnly(readFileSync(file, 'utf8'));
        const offences = FORBIDDEN_CODE.filter(([pattern]) => pattern.test(code)).map(
          ([, what]) => what,
        );
        expect(offences).toEqual([]);
      },
    );
  },
);

describe('the purity checker', () => {
  it('the checker itself catches an offence', () => {
    const bad = "import { readFileSync } from 'node:fs';\nconst t = Date.now();\n";
    expect(importsOf(bad)).toEqual(['node:fs']);
    expect(FORBIDDEN_CODE.some(([p]) => p.test(codeOnly(bad)))).toBe(true);
    expect(FORBIDDEN_CODE.some(([p]) => p.test(codeOnly('// Date.now() in a comment\n')))).toBe(
      false,
    );
  });
});
