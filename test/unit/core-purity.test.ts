// ARCHITECTURE.md: the VRRP core never touches the clock, randomness, sockets, processes or
// timers. ESLint enforces it while editing; this test enforces it independently, from the
// source text and from the module graph the core actually loads.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const coreDir = join(repoRoot, 'src/agent/vrrp');

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

const files = sourceFiles(coreDir);

describe('the VRRP core is pure (src/agent/vrrp/**)', () => {
  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [relative(repoRoot, f), f]))(
    '%s imports no I/O module',
    (_name, file) => {
      const offending = importsOf(readFileSync(file, 'utf8')).filter((spec) => {
        if (spec.startsWith('.')) {
          // Relative imports must stay inside the core, or reach only side-effect-free agent files.
          const target = resolve(dirname(file), spec);
          return !target.startsWith(coreDir) && !target.endsWith('/agent/errors.js');
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

  it('the checker itself catches an offence', () => {
    const bad = "import { readFileSync } from 'node:fs';\nconst t = Date.now();\n";
    expect(importsOf(bad)).toEqual(['node:fs']);
    expect(FORBIDDEN_CODE.some(([p]) => p.test(codeOnly(bad)))).toBe(true);
    expect(FORBIDDEN_CODE.some(([p]) => p.test(codeOnly('// Date.now() in a comment\n')))).toBe(
      false,
    );
  });
});
