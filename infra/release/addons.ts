// The native addons, compiled against the shipped runtime's headers (node-gyp --nodedir), so the
// host needs no compiler: raw-socket (VRRP's raw sockets) and floatd's own (native/floatd-native).
// raw-socket 1.8.1 pins nan 2.19, whose headers predate V8 13 (Node 24); the release compiles
// the same raw-socket sources with the newer nan in our devDependencies, which supports it.
import { cpSync, existsSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NodeRuntime } from './node-runtime.js';
import { run } from './run.js';

const require = createRequire(import.meta.url);

export interface BuiltAddons {
  /** raw-socket's package as it ships: package.json, index.js, build/Release/raw.node. */
  readonly rawSocketDir: string;
  readonly floatdNative: string;
}

/** npm's own node-gyp: npm names it to scripts it runs; otherwise beside the npm on PATH. */
async function nodeGyp(): Promise<string> {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm !== undefined && existsSync(fromNpm)) return fromNpm;
  const npm = (await run('sh', ['-c', 'command -v npm'])).trim();
  const bundled = join(
    dirname(realpathSync(npm)),
    '..',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  if (!existsSync(bundled)) throw new Error(`node-gyp not found (looked at ${bundled})`);
  return bundled;
}

async function compile(dir: string, runtime: NodeRuntime): Promise<void> {
  // node-gyp reads npm's settings from the environment, and `npm run` passes this machine's
  // (npm_config_nodedir=/usr: the host Node's headers) over the command line's.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|devdir)$/i.test(key)) {
      env[key] = value;
    }
  }
  await run(process.execPath, [await nodeGyp(), 'rebuild', `--nodedir=${runtime.dir}`], {
    cwd: dir,
    env,
  });
}

/** Checks the shipped runtime loads `file` (right ABI, no missing symbol). */
async function checkLoads(runtime: NodeRuntime, file: string): Promise<void> {
  await run(join(runtime.dir, 'bin', 'node'), ['-e', `require(${JSON.stringify(file)})`]);
}

export async function buildAddons(
  packageRoot: string,
  workDir: string,
  runtime: NodeRuntime,
): Promise<BuiltAddons> {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });

  const rawSrc = dirname(require.resolve('raw-socket/package.json', { paths: [packageRoot] }));
  const rawDir = join(workDir, 'raw-socket');
  for (const entry of ['package.json', 'index.js', 'binding.gyp', 'src']) {
    cpSync(join(rawSrc, entry), join(rawDir, entry), { recursive: true });
  }
  const nanDir = dirname(require.resolve('nan/package.json', { paths: [packageRoot] }));
  cpSync(nanDir, join(rawDir, 'node_modules', 'nan'), { recursive: true });

  const nativeDir = join(workDir, 'floatd-native');
  cpSync(join(packageRoot, 'native', 'floatd-native'), nativeDir, {
    recursive: true,
    filter: (src) => !src.includes(`${join('floatd-native', 'build')}`),
  });

  // One at a time: node-gyp's make already uses both cores.
  await compile(rawDir, runtime);
  await compile(nativeDir, runtime);
  const rawNode = join(rawDir, 'build', 'Release', 'raw.node');
  const floatdNative = join(nativeDir, 'build', 'Release', 'floatd_native.node');
  await checkLoads(runtime, rawNode);
  await checkLoads(runtime, floatdNative);
  return { rawSocketDir: rawDir, floatdNative };
}
