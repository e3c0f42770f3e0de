// `floatd status`: the running agent's state as a table, from its /status endpoint.
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/load-config.js';
import type { AgentStatus } from '../daemon/agent.js';
import { EXIT } from './exit-codes.js';
import { DEFAULT_CONFIG_PATH } from './run-command.js';
import { fetchStatus, urlFromConfig } from './status-client.js';

export const STATUS_USAGE = `Usage: floatd status [--url URL | -c FILE] [--json]

Prints the state of a running floatd: per instance its state, priority (configured and
effective), the MASTER it follows, the last transition and why, and its cloud targets.

Options:
  --url URL         the agent's status endpoint (default: from FILE's status.listen,
                    else http://127.0.0.1:9657)
  -c, --config FILE the agent's configuration (default ${DEFAULT_CONFIG_PATH}, if readable)
  --json            the raw /status JSON
  -h, --help        this text

Exit status: 0 printed; 1 invalid configuration; 2 bad command line; 3 the agent did not answer.`;

interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
}

export async function runStatus(argv: string[], io: Io): Promise<number> {
  let values: { url?: string; config?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`floatd status: ${(error as Error).message}\n\n${STATUS_USAGE}`);
    return EXIT.usage;
  }
  if (values.help === true) {
    io.stdout(STATUS_USAGE);
    return EXIT.ok;
  }
  let url = values.url;
  if (url === undefined) {
    try {
      url = await urlFromConfig(values.config);
    } catch (error) {
      if (error instanceof ConfigError) {
        io.stderr(error.message);
        return EXIT.config;
      }
      throw error;
    }
  }
  let status: AgentStatus;
  try {
    status = await fetchStatus(url);
  } catch (error) {
    io.stderr(
      `floatd status: no answer from ${url}/status: ${(error as Error).message} (is floatd running, with status.listen set?)`,
    );
    return EXIT.startup;
  }
  io.stdout(values.json === true ? JSON.stringify(status, null, 2) : formatStatus(status));
  return EXIT.ok;
}

function ago(nowMs: number, atMs: number): string {
  const s = Math.max(0, (nowMs - atMs) / 1000);
  return s < 120 ? `${s.toFixed(1)}s ago` : `${Math.round(s / 60)}m ago`;
}

/** A readable table: one row per instance, then its cloud targets indented below it. */
export function formatStatus(status: AgentStatus): string {
  const header = ['INSTANCE', 'VRID', 'IFACE', 'STATE', 'PRIO', 'MASTER', 'LAST TRANSITION'];
  const rows = status.instances.map((i) => [
    i.name,
    String(i.vrid),
    i.interface,
    i.state.toUpperCase(),
    i.basePriority === i.effectivePriority
      ? String(i.basePriority)
      : `${i.effectivePriority} (base ${i.basePriority})`,
    i.masterAddress ?? '-',
    i.lastTransition === undefined
      ? '-'
      : `${i.lastTransition.from.toUpperCase()}->${i.lastTransition.to.toUpperCase()} (${i.lastTransition.reason}) ${ago(status.nowMs, i.lastTransition.atMs)}`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(header)];
  status.instances.forEach((instance, k) => {
    out.push(line(rows[k] ?? []));
    for (const t of instance.cloud?.targets ?? []) {
      const tl = t.timeline;
      const confirmed =
        tl?.confirmedAtMs === undefined
          ? ''
          : `, confirmed ${(tl.confirmedAtMs - tl.startedAtMs).toFixed(0)} ms after the decision`;
      const fenced = t.fencedBy === undefined ? '' : `, fenced by ${t.fencedBy.owner}`;
      out.push(`  cloud ${t.name}: ${t.phase}${fenced}${confirmed}`);
    }
    for (const d of instance.splitBrain ?? [])
      out.push(`  SPLIT BRAIN since ${d.since}: ${d.message}`);
    const notAPeer = instance.unicast?.notAPeer ?? [];
    if (notAPeer.length > 0) {
      const sources = notAPeer.map((n) => `${n.src} (${n.count})`).join(', ');
      out.push(`  not a peer, dropped: ${sources}; ${instance.unicast?.fix ?? ''}`);
    }
  });
  const dropping = status.sockets.filter((s) => (s.receiveDrops ?? 0) > 0);
  if (dropping.length > 0) {
    out.push('', 'SOCKETS');
    for (const s of dropping) {
      out.push(`  ${s.socket}: ${s.receiveDrops} packets dropped by the kernel (not read in time)`);
    }
  }
  if (status.trackers !== undefined && status.trackers.length > 0) {
    out.push('', 'TRACKERS');
    for (const t of status.trackers) {
      const value = t.value === undefined ? '' : ` value ${t.value}`;
      out.push(
        `  ${t.name} (${t.type}): ${t.health.toUpperCase()}${value}; ${t.ok} ok, ${t.failed} failed (${t.timeouts} timed out)`,
      );
    }
  }
  return out.join('\n');
}
