// How to start another floatd process (the demo, tests, benchmarks): the same Node, and the TS
// loader when running from source.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../package-root.js';

export { PACKAGE_ROOT };

export interface Command {
  readonly cmd: string;
  readonly args: readonly string[];
}

const here = dirname(fileURLToPath(import.meta.url));

export function floatdCommand(args: readonly string[]): Command {
  const fromSource = import.meta.url.endsWith('.ts');
  const main = join(here, fromSource ? 'main.ts' : 'main.js');
  // From source, tsx compiles on the fly; it resolves from the package root (the cwd we set).
  const loader = fromSource ? ['--import', 'tsx'] : [];
  return { cmd: process.execPath, args: [...loader, main, ...args] };
}

/**
 * The compiled floatd (`npm run build` puts it in dist/), as a release runs it, even when the
 * caller itself runs from source: benchmarks measure what users run, not the TS loader.
 */
export function builtFloatdCommand(args: readonly string[]): Command {
  return {
    cmd: process.execPath,
    args: [join(PACKAGE_ROOT, 'dist', 'src', 'agent', 'cli', 'main.js'), ...args],
  };
}
