// `floatd reload`: ask the running agent to re-read its configuration (SIGHUP to the process its
// /status names), then wait for the outcome of that reload in /status and print it.
import { parseArgs } from 'node:util';
import type { ReloadRecord } from '../daemon/agent.js';
import { ConfigError } from '../config/load-config.js';
import { systemClock } from '../clock.js';
import { EXIT } from './exit-codes.js';
import { DEFAULT_CONFIG_PATH } from './run-command.js';
import { fetchStatus, urlFromConfig } from './status-client.js';

export const RELOAD_USAGE = `Usage: floatd reload [--url URL | -c FILE] [--timeout MS]

Sends SIGHUP to the running floatd (found through its status endpoint), which re-reads its
configuration file, then waits for the outcome in its status and prints it. Unchanged
instances keep their state; a changed priority, VIP list, notify or track is applied in place;
an instance with other changes restarts alone; added and removed instances start and stop. A
file that is invalid, or changes what needs a restart, is refused and the running
configuration stays. It needs the agent's status endpoint; with \`status: false\`, send
SIGHUP to floatd yourself and read its log.

Options:
  --url URL        the agent's status endpoint (default: from FILE's status.listen,
                   else http://127.0.0.1:9657)
  -c, --config FILE  the agent's configuration (default ${DEFAULT_CONFIG_PATH}, if readable)
  --timeout MS     how long to wait for the outcome (default 10000)
  -h, --help       this text

Exit status: 0 applied; 1 refused (the reason is printed); 2 bad command line; 3 the agent did
not answer, or gave no outcome in time.`;

interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
}

const names = (list: readonly string[]): string => (list.length === 0 ? '-' : list.join(', '));

function describeOutcome(record: ReloadRecord): string {
  if (!record.ok) return `refused, the running configuration stays: ${record.why ?? '?'}`;
  const c = record.changes;
  if (c === undefined) return 'applied';
  return [
    'applied',
    `  kept as is:  ${names(c.kept)}`,
    `  in place:    ${names(c.inPlace)}`,
    `  restarted:   ${names(c.restarted)}`,
    `  added:       ${names(c.added)}`,
    `  removed:     ${names(c.removed)}`,
  ].join('\n');
}

export async function runReload(argv: string[], io: Io): Promise<number> {
  let values: { url?: string; config?: string; timeout?: string; help?: boolean };
  let timeoutMs = 10_000;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        config: { type: 'string', short: 'c' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
    if (values.timeout !== undefined) {
      timeoutMs = Number(values.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
        throw new Error(
          `--timeout: expected a positive number of milliseconds, got "${values.timeout}"`,
        );
      }
    }
  } catch (error) {
    io.stderr(`floatd reload: ${(error as Error).message}\n\n${RELOAD_USAGE}`);
    return EXIT.usage;
  }
  if (values.help === true) {
    io.stdout(RELOAD_USAGE);
    return EXIT.ok;
  }
  let url: string;
  try {
    url = values.url ?? (await urlFromConfig(values.config));
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`floatd reload: ${error.message}`);
      return EXIT.config;
    }
    throw error;
  }
  let pid: number;
  let seenSeq: number;
  try {
    const status = await fetchStatus(url);
    if (typeof status.pid !== 'number') throw new Error('the status names no process');
    pid = status.pid;
    seenSeq = status.reload?.seq ?? 0;
    process.kill(pid, 'SIGHUP');
  } catch (error) {
    io.stderr(`floatd reload: no answer from ${url}/status: ${(error as Error).message}`);
    return EXIT.startup;
  }
  const deadline = systemClock.nowMs() + timeoutMs;
  while (systemClock.nowMs() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const record = await fetchStatus(url).then(
      (s) => s.reload,
      () => undefined,
    );
    if (record === undefined || record.seq <= seenSeq) continue;
    const line = `floatd reload (pid ${pid}): ${describeOutcome(record)}`;
    if (record.ok) {
      io.stdout(line);
      return EXIT.ok;
    }
    io.stderr(line);
    return EXIT.config;
  }
  io.stderr(
    `floatd reload: SIGHUP sent to floatd (pid ${pid}), but no outcome within ${timeoutMs} ms; see its log`,
  );
  return EXIT.startup;
}
