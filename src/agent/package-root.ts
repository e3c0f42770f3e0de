// Where floatd's package is: the nearest folder above a module that holds floatd's package.json.
// The same rule finds it from the sources (src/agent/...), from a tsc build (dist/src/agent/...)
// and from a release, whose bundle sits in lib/floatd/app/ under lib/floatd/package.json.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest ancestor of `fromDir` (itself included) with a package.json named "floatd". */
export function findPackageRoot(fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'floatd') {
          return dir;
        }
      } catch {
        // not JSON: someone else's file; keep looking upwards
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const here = dirname(fileURLToPath(import.meta.url));

/** floatd's package root (the repository, an npm install, or a release's lib/floatd). */
export const PACKAGE_ROOT = findPackageRoot(here) ?? join(here, '..', '..');

/** The version in floatd's package.json. */
export function packageVersion(root = PACKAGE_ROOT): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
