// `npm run build:lambda`: the serverless controller (src/cloud/controller/handler.ts) bundled
// for the Lambda Node.js 22 runtime as one ES module, index.mjs (handler "index.handler"),
// zipped to dist/lambda/floatd-controller.zip. Everything it imports is inside, the AWS SDK
// included: the version floatd was tested with, not whichever the runtime carries.
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdir, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NODE_BUNDLE_OPTIONS } from '../release/bundle.js';

const run = promisify(execFile);

/** The Lambda runtime's Node.js major version (nodejs22.x). */
export const LAMBDA_NODE_MAJOR = 22;
/** A fixed time for the zip's entries, so the same sources give the same zip. */
const ENTRY_TIME = new Date('2020-01-01T00:00:00Z');

export interface LambdaBuild {
  readonly zipPath: string;
  readonly zipBytes: number;
  /** Source files that went into the bundle, relative to the package root. */
  readonly inputs: readonly string[];
}

export async function buildLambda(packageRoot: string): Promise<LambdaBuild> {
  const outDir = join(packageRoot, 'dist/lambda');
  const stage = join(outDir, 'stage');
  const zipPath = join(outDir, 'floatd-controller.zip');
  await rm(stage, { recursive: true, force: true });
  await rm(zipPath, { force: true });
  await mkdir(stage, { recursive: true });
  const result = await build({
    absWorkingDir: packageRoot,
    entryPoints: { index: join(packageRoot, 'src/cloud/controller/handler.ts') },
    outdir: stage,
    outExtension: { '.js': '.mjs' },
    ...NODE_BUNDLE_OPTIONS,
    target: `node${LAMBDA_NODE_MAJOR}`,
  });
  const index = join(stage, 'index.mjs');
  await utimes(index, ENTRY_TIME, ENTRY_TIME);
  // -X: no extra attributes (uid, times beyond the entry's), so the zip depends on the code only.
  await run('zip', ['-q', '-X', '-j', zipPath, index]);
  return {
    zipPath,
    zipBytes: (await stat(zipPath)).size,
    inputs: Object.keys(result.metafile.inputs),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const built = await buildLambda(root);
  const kb = (built.zipBytes / 1024).toFixed(0);
  console.log(
    `${relative(process.cwd(), built.zipPath)}: ${kb} KB (handler index.handler, nodejs${LAMBDA_NODE_MAJOR}.x)`,
  );
}
