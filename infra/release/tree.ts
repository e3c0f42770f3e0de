// The release tree, one for both artifacts:
//   bin/floatd                          the launcher (launcher.sh)
//   lib/floatd/package.json             name and version (floatd --version reads it)
//   lib/floatd/runtime/node, LICENSE    the Node.js runtime
//   lib/floatd/app/                     the bundle (main.js and its chunks)
//   lib/floatd/node_modules/raw-socket  raw-socket with its addon built for that runtime
//   lib/floatd/native/floatd-native/build/Release/floatd_native.node
//   share/floatd/                       systemd unit, example configurations, README
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BuiltAddons } from './addons.js';
import type { NodeRuntime } from './node-runtime.js';

export interface ReleaseManifest {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly license: string;
}

function copy(from: string, to: string, mode = 0o644): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, mode);
}

/** Lays out the tree in `root` (emptied first); returns lib/floatd/app for the bundler. */
export function layOutTree(
  root: string,
  packageRoot: string,
  manifest: ReleaseManifest,
  runtime: NodeRuntime,
  addons: BuiltAddons,
): string {
  rmSync(root, { recursive: true, force: true });
  const lib = join(root, 'lib', 'floatd');
  const share = join(root, 'share', 'floatd');
  copy(join(packageRoot, 'infra', 'release', 'launcher.sh'), join(root, 'bin', 'floatd'), 0o755);

  mkdirSync(lib, { recursive: true });
  writeFileSync(
    join(lib, 'package.json'),
    `${JSON.stringify({ ...manifest, private: true, type: 'module' }, null, 2)}\n`,
  );
  copy(join(runtime.dir, 'bin', 'node'), join(lib, 'runtime', 'node'), 0o755);
  copy(join(runtime.dir, 'LICENSE'), join(lib, 'runtime', 'LICENSE'));

  const raw = join(lib, 'node_modules', 'raw-socket');
  copy(join(addons.rawSocketDir, 'package.json'), join(raw, 'package.json'));
  copy(join(addons.rawSocketDir, 'index.js'), join(raw, 'index.js'));
  copy(
    join(addons.rawSocketDir, 'build', 'Release', 'raw.node'),
    join(raw, 'build', 'Release', 'raw.node'),
    0o755,
  );
  copy(
    addons.floatdNative,
    join(lib, 'native', 'floatd-native', 'build', 'Release', 'floatd_native.node'),
    0o755,
  );

  copy(join(packageRoot, 'infra', 'systemd', 'floatd.service'), join(share, 'floatd.service'));
  copy(join(packageRoot, 'README.md'), join(share, 'README.md'));
  for (const example of readdirSync(join(packageRoot, 'examples'))) {
    copy(join(packageRoot, 'examples', example), join(share, 'examples', example));
  }
  const app = join(lib, 'app');
  mkdirSync(app, { recursive: true });
  return app;
}
