// Talking to a running agent: where its status endpoint is (its config's status.listen) and
// what /status says. Shared by `floatd status` and `floatd reload`.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { request } from 'undici';
import { loadConfigFile } from '../config/load-config.js';
import type { AgentStatus } from '../daemon/agent.js';
import { parseListen } from '../status/status-server.js';
import { DEFAULT_CONFIG_PATH } from './run-command.js';
import { FloatdError } from '../errors.js';

async function readable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}

/** The status endpoint of the agent running FILE (its status.listen), else the default. */
export async function urlFromConfig(path: string | undefined): Promise<string> {
  const fallback = 'http://127.0.0.1:9657';
  // No file at the default path: the default endpoint. A file given, or one that is wrong: say so.
  if (path === undefined && !(await readable(DEFAULT_CONFIG_PATH))) return fallback;
  const config = await loadConfigFile(path ?? DEFAULT_CONFIG_PATH);
  if (config.status === false) return fallback;
  const { host, port } = parseListen(config.status.listen);
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The agent's status endpoint answered, but not with its status. */
export class StatusRequestError extends FloatdError {
  override readonly code = 'FLOATD_ERR_STATUS_REQUEST';
}

/** GET /status; throws on no answer or a status other than 200. */
export async function fetchStatus(url: string): Promise<AgentStatus> {
  const response = await request(new URL('/status', url), {
    headersTimeout: 3000,
    bodyTimeout: 3000,
  });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new StatusRequestError(`HTTP ${response.statusCode}`);
  }
  return (await response.body.json()) as AgentStatus;
}
