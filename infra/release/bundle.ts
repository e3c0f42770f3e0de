// floatd bundled with esbuild: one ES module per command, code shared between them in chunks,
// and what only some configurations need (the AWS SDK behind cloud targets) in chunks of its
// own that load when a configuration asks for them. The lab, the demo and the EC2 emulator
// (lab/) are test scaffolding: no entry reaches them (test/release/release-files.test.ts). raw-socket stays a
// package beside the bundle: it loads its compiled addon by a path relative to itself.
import { build, type BuildOptions } from 'esbuild';
import { join } from 'node:path';

// Bundled CommonJS code calls require(); an ES module has none, so each output file makes one.
const REQUIRE_BANNER =
  "import { createRequire as floatdCreateRequire } from 'node:module'; const require = floatdCreateRequire(import.meta.url);";

/** How floatd bundles for Node.js: the release and the controller Lambda (infra/lambda). */
export const NODE_BUNDLE_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  // ES modules first where a package ships both (the AWS SDK does, without an exports map):
  // only ES modules can be tree-shaken, so the EC2 client brings the commands floatd sends
  // rather than all of EC2's (863 KB instead of 2.2 MB of code for the cloud chunk).
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_BANNER },
  // Smaller sources held by V8 and faster start; names kept for readable stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
} as const satisfies BuildOptions;

export async function bundle(
  packageRoot: string,
  outDir: string,
  runtimeMajor: number,
): Promise<{ outputs: string[]; inputs: string[] }> {
  const result = await build({
    absWorkingDir: packageRoot,
    entryPoints: {
      main: join(packageRoot, 'src/agent/cli/main.ts'),
      // `floatd run` reads its configuration in this worker (src/agent/config/load-config-isolated.ts).
      'config-worker': join(packageRoot, 'src/agent/config/config-worker.ts'),
    },
    outdir: outDir,
    ...NODE_BUNDLE_OPTIONS,
    splitting: true,
    target: `node${runtimeMajor}`,
    external: ['raw-socket'],
    chunkNames: '[name]-[hash]',
  });
  // Paths relative to packageRoot: every source file that went in, and every file written.
  return {
    outputs: Object.keys(result.metafile.outputs),
    inputs: Object.keys(result.metafile.inputs),
  };
}
