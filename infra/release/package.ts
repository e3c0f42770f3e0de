// npm run package: floatd's release for hosts without Node.js or a compiler, from nothing but
// the npm registry (the runtime, the dependencies) and this checkout:
//   dist/release/floatd-<version>-linux-x64.tar.gz   (tree.ts has the layout)
//   dist/release/floatd_<version>_amd64.deb          (the same files in Debian's places)
import { statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildAddons } from './addons.js';
import { writeDeb, writeTarball } from './archives.js';
import { bundle } from './bundle.js';
import { nodeRuntime, type RuntimePin } from './node-runtime.js';
import { run } from './run.js';
import { layOutTree, type ReleaseManifest } from './tree.js';

const USAGE = `Usage: npm run package [-- --out DIR]

Builds floatd's release: a tarball (bin/floatd, lib/, share/floatd/) and a .deb, each with
floatd bundled, its native addons compiled and the Node.js runtime pinned in package.json
(floatdRelease.node). Needs the npm registry on first use (the runtime is then cached in
~/.cache/floatd/), python3, make, g++ (node-gyp), tar and dpkg-deb.

Options:
  --out DIR    where the artifacts go (default dist/release)
  -h, --help   this text`;

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface PackageJson extends ReleaseManifest {
  readonly floatdRelease: { readonly node: RuntimePin };
}

export interface Release {
  readonly version: string;
  readonly runtimeVersion: string;
  readonly tarball: string;
  readonly deb: string;
  /** The unpacked tree the two were made from. */
  readonly tree: string;
}

/** Seconds since the epoch of the last commit: the same archive for the same checkout. */
async function sourceDateEpoch(): Promise<number> {
  const fromEnv = Number(process.env.SOURCE_DATE_EPOCH);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  try {
    return Number((await run('git', ['log', '-1', '--format=%ct'], { cwd: PACKAGE_ROOT })).trim());
  } catch {
    return 0;
  }
}

export async function buildRelease(
  outDir = join(PACKAGE_ROOT, 'dist', 'release'),
): Promise<Release> {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as PackageJson;
  const manifest: ReleaseManifest = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
  };
  const runtime = await nodeRuntime(pkg.floatdRelease.node);
  const work = join(outDir, '.build');
  console.log(`package: compiling the native addons for Node.js ${runtime.version}`);
  const addons = await buildAddons(PACKAGE_ROOT, join(work, 'addons'), runtime);
  const treeName = `floatd-${manifest.version}-linux-x64`;
  const tree = join(work, treeName);
  const app = layOutTree(tree, PACKAGE_ROOT, manifest, runtime, addons);
  console.log('package: bundling floatd (esbuild)');
  await bundle(PACKAGE_ROOT, app, Number(runtime.version.split('.')[0]));

  const mtimeS = await sourceDateEpoch();
  const tarball = join(outDir, `${treeName}.tar.gz`);
  const deb = join(outDir, `floatd_${manifest.version}_amd64.deb`);
  console.log('package: writing the tarball and the .deb');
  await Promise.all([
    writeTarball(work, treeName, tarball, mtimeS),
    writeDeb(tree, join(work, 'deb'), manifest, deb),
  ]);
  // The shipped launcher runs: the version line names both floatd and its runtime.
  const versionLine = (await run(join(tree, 'bin', 'floatd'), ['--version'])).trim();
  const expected = `floatd ${manifest.version} (Node.js v${runtime.version})`;
  if (versionLine !== expected) {
    throw new Error(`the release's floatd --version printed "${versionLine}", not "${expected}"`);
  }
  return { version: manifest.version, runtimeVersion: runtime.version, tarball, deb, tree };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const release = await buildRelease(values.out === undefined ? undefined : resolve(values.out));
  const mb = (file: string): string => (statSync(file).size / 1024 / 1024).toFixed(1);
  console.log(`${release.tarball} (${mb(release.tarball)} MB)`);
  console.log(`${release.deb} (${mb(release.deb)} MB)`);
  console.log(`floatd ${release.version}, Node.js ${release.runtimeVersion}`);
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`package: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}
