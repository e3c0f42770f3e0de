// The worker thread that reads and validates a configuration file for `floatd run` (see
// load-config-isolated.ts): it posts the configuration, or the ConfigError's issues.
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, loadConfigFile } from './load-config.js';
import type { ConfigWorkerReply } from './load-config-isolated.js';

const { path } = workerData as { path: string };
let reply: ConfigWorkerReply;
try {
  // The agent starts (or reloads) with it: the host must have the scripts' users and groups.
  reply = { ok: true, config: await loadConfigFile(path, { checkHost: true }) };
} catch (error) {
  reply =
    error instanceof ConfigError
      ? { ok: false, issues: error.issues }
      : { ok: false, failure: error instanceof Error ? error.message : String(error) };
}
parentPort?.postMessage(reply);
