// `floatd run` reads its configuration in a worker thread. The YAML parser and the schema
// library are most of the memory a loaded configuration costs (bench:footprint), and a running
// agent needs neither between reloads: in a worker they live in a V8 isolate of their own that
// is freed when the worker ends. The configuration comes back as structured-clone data (the
// schema's output is plain objects, arrays, strings, numbers and booleans).
import { Worker } from 'node:worker_threads';
import { ConfigError, ConfigWorkerError, type ConfigIssue } from './config-error.js';
import type { FloatdConfig } from './schema.js';

export type ConfigWorkerReply =
  | { readonly ok: true; readonly config: FloatdConfig }
  | { readonly ok: false; readonly issues: ConfigIssue[] }
  | { readonly ok: false; readonly failure: string };

const fromSource = import.meta.url.endsWith('.ts');

/** The worker's module beside this one: .ts from the sources, .js built or bundled. */
const WORKER_URL = new URL(`./config-worker${fromSource ? '.ts' : '.js'}`, import.meta.url);

/**
 * A worker thread does not inherit tsx's loader (nor take `--import` in its execArgv): from the
 * sources it registers tsx first, then imports the worker's module.
 */
function startWorker(path: string): Worker {
  if (!fromSource) return new Worker(WORKER_URL, { workerData: { path } });
  // Resolved like the `node --import tsx` floatd was started with: from the working directory.
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: { path } });
}

/** loadConfigFile(path), run in a worker. Throws ConfigError as loadConfigFile does. */
export async function loadConfigIsolated(path: string): Promise<FloatdConfig> {
  const worker = startWorker(path);
  try {
    const reply = await new Promise<ConfigWorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => {
        reject(
          new ConfigWorkerError(`the configuration worker exited (code ${code}) without an answer`),
        );
      });
    });
    if (reply.ok) return reply.config;
    if ('issues' in reply) throw new ConfigError(reply.issues);
    throw new ConfigWorkerError(`reading ${path} failed: ${reply.failure}`);
  } finally {
    await worker.terminate();
  }
}
