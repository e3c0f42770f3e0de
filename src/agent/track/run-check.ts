// Dispatches a tracker to its check; the scheduler takes this as an injectable dependency.
import { runFileCheck } from './file-check.js';
import { runProcessCheck } from './process-check.js';
import { runScriptCheck } from './script-check.js';
import { runTcpCheck } from '../../probe/tcp.js';
import type { CheckOutcome, TrackerConfig } from './types.js';

export type CheckRunner = (config: TrackerConfig, signal: AbortSignal) => Promise<CheckOutcome>;

export const runCheck: CheckRunner = (config, signal) => {
  switch (config.type) {
    case 'script':
      return runScriptCheck(config, signal);
    case 'http':
      // undici loads with the first HTTP check, not with every agent.
      return import('../../probe/http.js').then((m) => m.runHttpCheck(config, signal));
    case 'tcp':
      return runTcpCheck(config, signal);
    case 'file':
      return runFileCheck(config);
    case 'process':
      return runProcessCheck(config);
  }
};
