// The two implementations under test behind one small interface: start a router in a lab host,
// and wait for it to log a state change. The same parameters go to both (VRRP v3, one VRID, one
// VIP, default GARP behaviour: keepalived's garp_master_delay 5 s / repeat 5 = floatd's defaults).
import type { FloatdAgent, KeepalivedAgent } from '../../src/lab/agents.js';
import { sleep, startFloatd, startKeepalived } from '../../src/lab/agents.js';
import { keepalivedConfig } from '../../src/lab/keepalived-config.js';
import type { LabHost } from '../../src/lab/lab.js';
import type { LabProcess } from '../../src/lab/lab-process.js';

export type ImplName = 'floatd' | 'keepalived';
export const IMPL_NAMES: readonly ImplName[] = ['floatd', 'keepalived'];

export type RouterState = 'master' | 'backup' | 'fault';

export interface RouterParams {
  readonly vrid: number;
  readonly vip: string;
  readonly prefixLength: number;
  readonly advertIntervalMs: number;
  readonly dir: string;
}

/** A state change the router logged. `atMs` is wall-clock ms when the log line carries it. */
export interface StateEntry {
  readonly atMs: number | undefined;
}

export interface Router {
  readonly host: LabHost;
  readonly proc: LabProcess;
  /** A position in the router's log: waitForState looks only at what comes after it. */
  mark(): number;
  waitForState(state: RouterState, sinceMark: number, timeoutMs: number): Promise<StateEntry>;
}

export interface Implementation {
  readonly name: ImplName;
  start(host: LabHost, priority: number): Promise<Router>;
}

export function implementation(name: ImplName, params: RouterParams): Implementation {
  return name === 'floatd' ? floatdImpl(params) : keepalivedImpl(params);
}

function floatdImpl(p: RouterParams): Implementation {
  const yaml = (priority: number): string =>
    [
      'log: { level: info, format: json }',
      'instances:',
      '  - name: bench',
      `    vrid: ${p.vrid}`,
      '    interface: eth0',
      '    version: 3',
      `    priority: ${priority}`,
      `    advertInterval: ${p.advertIntervalMs}ms`,
      `    vips: [${p.vip}/${p.prefixLength}]`,
      '',
    ].join('\n');
  return {
    name: 'floatd',
    start: async (host, priority) => floatdRouter(await startFloatd(host, yaml(priority), p.dir)),
  };
}

function floatdRouter(agent: FloatdAgent): Router {
  return {
    host: agent.host,
    proc: agent.proc,
    mark: () => agent.proc.output().length,
    async waitForState(state, sinceMark, timeoutMs) {
      // Transitions are JSON lines with pino's wall-clock `time`: take the first after the mark.
      return poll(agent.proc, timeoutMs, `floatd ${state}`, () => {
        for (const line of agent.proc.output().slice(sinceMark).split('\n')) {
          if (!line.startsWith('{') || !line.includes('"transition"')) continue;
          let entry: { event?: unknown; to?: unknown; time?: unknown };
          try {
            entry = JSON.parse(line) as typeof entry;
          } catch {
            continue; // a line still being written
          }
          if (entry.event === 'transition' && entry.to === state) {
            return { atMs: Number(entry.time) };
          }
        }
        return undefined;
      });
    },
  };
}

const KEEPALIVED_STATE: Record<RouterState, RegExp> = {
  master: /Entering MASTER STATE/,
  backup: /Entering BACKUP STATE/,
  fault: /Entering FAULT STATE/,
};

function keepalivedImpl(p: RouterParams): Implementation {
  const conf = (host: LabHost, priority: number): string =>
    keepalivedConfig({
      routerId: host.name,
      vrid: p.vrid,
      priority,
      version: 3,
      advertIntervalMs: p.advertIntervalMs,
      vip: p.vip,
      prefixLength: p.prefixLength,
    });
  return {
    name: 'keepalived',
    start: async (host, priority) =>
      keepalivedRouter(await startKeepalived(host, conf(host, priority), p.dir)),
  };
}

function keepalivedRouter(agent: KeepalivedAgent): Router {
  return {
    host: agent.host,
    proc: agent.proc,
    mark: () => agent.log().length,
    async waitForState(state, sinceMark, timeoutMs) {
      // keepalived's console log has whole-second timestamps at best: no usable time.
      return poll(agent.proc, timeoutMs, `keepalived ${state}`, () =>
        KEEPALIVED_STATE[state].test(agent.log().slice(sinceMark))
          ? { atMs: undefined }
          : undefined,
      );
    },
  };
}

async function poll<T>(
  proc: LabProcess,
  timeoutMs: number,
  what: string,
  check: () => T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = check();
    if (hit !== undefined) return hit;
    if (!proc.running) throw new Error(`${proc.label} exited before ${what}:\n${tail(proc)}`);
    if (Date.now() > deadline) {
      throw new Error(`${proc.label}: no ${what} within ${timeoutMs} ms:\n${tail(proc)}`);
    }
    await sleep(10);
  }
}

function tail(proc: LabProcess): string {
  return proc.output().split('\n').slice(-30).join('\n');
}
