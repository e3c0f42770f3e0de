// The two implementations under test behind one small interface: start a router in a lab host,
// and wait for it to log state changes. The same parameters go to both (VRRP v3, the same VRIDs
// and VIPs, default GARP behaviour: keepalived's garp_master_delay 5 s / repeat 5 = floatd's).
import {
  builtFloatdCommand,
  floatdCommand,
  type Command,
} from '../../src/agent/cli/self-command.js';
import type { FloatdAgent, KeepalivedAgent } from '../../lab/agents.js';
import { sleep, startFloatd, startKeepalived } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import type { LabProcess } from '../../lab/lab-process.js';
import { keepalivedBenchConfig } from './keepalived-conf.js';

export type ImplName = 'floatd' | 'keepalived';
export const IMPL_NAMES: readonly ImplName[] = ['floatd', 'keepalived'];

export type RouterState = 'master' | 'backup' | 'fault';

/** One VRRP instance: a VRID and its VIPs. */
export interface RouterInstance {
  readonly vrid: number;
  readonly vips: readonly string[];
}

/** floatd as built by tsc (dist/, as a release runs it) or from source under tsx. */
export type FloatdFrom = 'build' | 'source';

export interface RouterParams {
  readonly instances: readonly RouterInstance[];
  readonly floatdFrom: FloatdFrom;
  /** Overrides floatdFrom: each host's own floatd (bench:footprint: an unpacked release). */
  readonly floatdOn?: (host: LabHost) => (args: readonly string[]) => Command;
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
  /** The first state change into `state` logged after the mark (any instance). */
  waitForState(state: RouterState, sinceMark: number, timeoutMs: number): Promise<StateEntry>;
  /** Until every instance's last state change logged after the mark is into `state`. */
  waitForAll(state: RouterState, sinceMark: number, timeoutMs: number): Promise<void>;
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
      ...p.instances.flatMap((i) => [
        `  - name: v${i.vrid}`,
        `    vrid: ${i.vrid}`,
        '    interface: eth0',
        '    version: 3',
        `    priority: ${priority}`,
        `    advertInterval: ${p.advertIntervalMs}ms`,
        `    vips: [${i.vips.map((v) => `${v}/${p.prefixLength}`).join(', ')}]`,
      ]),
      '',
    ].join('\n');
  return {
    name: 'floatd',
    start: async (host, priority) =>
      floatdRouter(
        await startFloatd(
          host,
          yaml(priority),
          p.dir,
          {},
          p.floatdOn?.(host) ?? (p.floatdFrom === 'build' ? builtFloatdCommand : floatdCommand),
        ),
        p.instances.length,
      ),
  };
}

interface FloatdTransition {
  readonly event?: unknown;
  readonly instance?: unknown;
  readonly to?: unknown;
  readonly time?: unknown;
}

function floatdRouter(agent: FloatdAgent, instances: number): Router {
  // Transitions are JSON lines with pino's wall-clock `time`.
  const transitionsAfter = (mark: number): FloatdTransition[] =>
    agent.proc
      .output()
      .slice(mark)
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"transition"'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as FloatdTransition];
        } catch {
          return []; // a line still being written
        }
      })
      .filter((entry) => entry.event === 'transition');
  return {
    host: agent.host,
    proc: agent.proc,
    mark: () => agent.proc.output().length,
    async waitForState(state, sinceMark, timeoutMs) {
      return poll(agent.proc, timeoutMs, `floatd ${state}`, () => {
        const entry = transitionsAfter(sinceMark).find((e) => e.to === state);
        return entry === undefined ? undefined : { atMs: Number(entry.time) };
      });
    },
    async waitForAll(state, sinceMark, timeoutMs) {
      await poll(agent.proc, timeoutMs, `floatd ${state} in all ${instances} instances`, () => {
        const last = new Map<unknown, unknown>();
        for (const e of transitionsAfter(sinceMark)) last.set(e.instance, e.to);
        const all = last.size === instances && [...last.values()].every((to) => to === state);
        return all ? true : undefined;
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
    keepalivedBenchConfig({
      routerId: host.name,
      priority,
      advertIntervalMs: p.advertIntervalMs,
      prefixLength: p.prefixLength,
      instances: p.instances,
    });
  return {
    name: 'keepalived',
    start: async (host, priority) =>
      keepalivedRouter(
        await startKeepalived(host, conf(host, priority), p.dir),
        p.instances.length,
      ),
  };
}

const KEEPALIVED_ENTERING = /\((\S+)\) Entering (MASTER|BACKUP|FAULT) STATE/g;

function keepalivedRouter(agent: KeepalivedAgent, instances: number): Router {
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
    async waitForAll(state, sinceMark, timeoutMs) {
      const want = state.toUpperCase();
      await poll(agent.proc, timeoutMs, `keepalived ${state} in all ${instances} instances`, () => {
        const last = new Map<string, string>();
        for (const m of agent.log().slice(sinceMark).matchAll(KEEPALIVED_ENTERING)) {
          last.set(m[1] as string, m[2] as string);
        }
        const all = last.size === instances && [...last.values()].every((to) => to === want);
        return all ? true : undefined;
      });
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
