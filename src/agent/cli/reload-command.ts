// `floatd reload`: ask the running agent to re-read its configuration (SIGHUP to the process its
// /status names). The agent logs whether it applied the new file or kept the running one.
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { EXIT } from './exit-codes.js';

export const RELOAD_USAGE = `Usage: floatd reload [--url URL]

Sends SIGHUP to the running floatd (found through its status endpoint), which re-reads its
configuration file. Instances whose VRRP settings did not change keep their state; a changed
priority is applied in place; a file that is invalid, or changes what needs a restart, is
refused and the running configuration stays (the agent's log says why).

Options:
  --url URL    the agent's status endpoint (default http://127.0.0.1:9657)
  -h, --help   this text

Exit status: 0 signalled; 2 bad command line; 3 the agent did not answer.`;

interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
}

export async function runReload(argv: string[], io: Io): Promise<number> {
  let values: { url?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`floatd reload: ${(error as Error).message}\n\n${RELOAD_USAGE}`);
    return EXIT.usage;
  }
  if (values.help === true) {
    io.stdout(RELOAD_USAGE);
    return EXIT.ok;
  }
  const url = values.url ?? 'http://127.0.0.1:9657';
  try {
    const response = await request(new URL('/status', url), {
      headersTimeout: 3000,
      bodyTimeout: 3000,
    });
    const status = (await response.body.json()) as { pid?: unknown };
    if (typeof status.pid !== 'number') throw new Error('the status names no process');
    process.kill(status.pid, 'SIGHUP');
    io.stdout(
      `floatd reload: SIGHUP sent to floatd (pid ${status.pid}); see its log for the result`,
    );
    return EXIT.ok;
  } catch (error) {
    io.stderr(`floatd reload: no answer from ${url}/status: ${(error as Error).message}`);
    return EXIT.startup;
  }
}
