// Agents in a lab host: floatd (from this package) and keepalived (Debian's), and a neutral
// observer of VIP moves (the kernel's own address events) that times both the same way.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { floatdCommand, PACKAGE_ROOT, type Command } from '../src/agent/cli/self-command.js';
import type { AgentStatus } from '../src/agent/daemon/agent.js';
import type { LabHost } from './lab.js';
import type { LabProcess } from './lab-process.js';
import { waitForPidFilesFree } from './pid-files.js';

export interface TransitionLog {
  /** Wall-clock ms (pino's `time`). */
  readonly atMs: number;
  readonly instance: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export function labTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'floatd-lab-'));
}

export class FloatdAgent {
  constructor(
    readonly host: LabHost,
    readonly proc: LabProcess,
    readonly configPath: string,
  ) {}

  private parsed: Record<string, unknown>[] = [];
  private parsedUpTo = 0;

  /**
   * JSON log lines of the agent. Parsed once each (callers poll this often; a lab process that
   * timed something must not have its clock perturbed by our re-parsing).
   */
  logs(): Record<string, unknown>[] {
    const output = this.proc.output();
    const end = output.lastIndexOf('\n') + 1;
    if (end > this.parsedUpTo) {
      for (const line of output.slice(this.parsedUpTo, end).split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          this.parsed.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line
        }
      }
      this.parsedUpTo = end;
    }
    return this.parsed;
  }

  transitions(): TransitionLog[] {
    return this.logs()
      .filter((l) => l.event === 'transition')
      .map((l) => ({
        atMs: Number(l.time),
        instance: String(l.instance),
        from: String(l.from),
        to: String(l.to),
        reason: String(l.reason),
      }));
  }

  /**
   * Ask for the status: SIGUSR1 to floatd itself (not its process group: that would end its
   * ip children) and wait for the status line it logs.
   */
  async status(timeoutMs = 3000): Promise<AgentStatus> {
    const lines = (): Record<string, unknown>[] => this.logs().filter((l) => l.event === 'status');
    const seen = lines().length;
    const pid = this.proc.pid;
    if (pid === undefined) throw new Error(`floatd on ${this.host.name} has no pid`);
    process.kill(pid, 'SIGUSR1');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = lines();
      if (all.length > seen) return all.at(-1)?.status as AgentStatus;
      if (Date.now() > deadline) throw new Error(`no status from floatd on ${this.host.name}`);
      await sleep(10);
    }
  }

  state(instance?: string): string | undefined {
    const mine = this.transitions().filter(
      (t) => instance === undefined || t.instance === instance,
    );
    return mine.at(-1)?.to;
  }

  /** Wait for a transition into `to` that happened after `afterMs`. */
  async waitForState(to: string, timeoutMs = 15_000, afterMs = 0): Promise<TransitionLog> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.transitions().find((t) => t.to === to && t.atMs >= afterMs);
      if (hit !== undefined) return hit;
      if (!this.proc.running) {
        throw new Error(`floatd on ${this.host.name} exited before ${to}:\n${this.proc.output()}`);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `floatd on ${this.host.name}: not ${to} within ${timeoutMs} ms:\n${this.proc.output()}`,
        );
      }
      await sleep(20);
    }
  }
}

/**
 * Start floatd in `host` with a YAML configuration (and extra environment variables, e.g.
 * FLOATD_IMDS_ENDPOINT). Resolves once it logged "floatd running". `command`: how to run it
 * (default: as this process runs, from source or built).
 */
export async function startFloatd(
  host: LabHost,
  yaml: string,
  dir = labTempDir(),
  env: NodeJS.ProcessEnv = {},
  command: (args: readonly string[]) => Command = floatdCommand,
): Promise<FloatdAgent> {
  const configPath = join(dir, `floatd-${host.name}.yaml`);
  writeFileSync(configPath, yaml);
  const { cmd, args } = command(['run', '-c', configPath, '--log-format', 'json']);
  const proc = host.spawn(cmd, args, env, PACKAGE_ROOT);
  const agent = new FloatdAgent(host, proc, configPath);
  await proc.waitForOutput(/"msg":"floatd running"/, 20_000);
  return agent;
}

export class KeepalivedAgent {
  constructor(
    readonly host: LabHost,
    readonly proc: LabProcess,
    readonly configPath: string,
  ) {}

  /** keepalived's console log lines. */
  log(): string {
    return this.proc.output();
  }

  async waitForLog(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    await this.proc.waitForOutput(pattern, timeoutMs);
  }
}

/** How long a restart waits for the previous keepalived of the same pid files to be reaped. */
const KEEPALIVED_GONE_TIMEOUT_MS = 10_000;

/**
 * Start keepalived (VRRP only) in `host`, logging to the console, with its own pid files. A
 * restart in the same `dir` first waits for the previous run's processes to be gone (bounded):
 * after a SIGKILL its VRRP child lingers as a zombie, and keepalived would refuse to start.
 */
export async function startKeepalived(
  host: LabHost,
  conf: string,
  dir = labTempDir(),
): Promise<KeepalivedAgent> {
  const base = join(dir, `keepalived-${host.name}`);
  const configPath = `${base}.conf`;
  const pidFile = `${base}.pid`;
  const vrrpPidFile = `${base}-vrrp.pid`;
  const checkersPidFile = `${base}-checkers.pid`;
  const pidFiles = [pidFile, vrrpPidFile, checkersPidFile];
  await waitForPidFilesFree(`keepalived on ${host.name}`, pidFiles, KEEPALIVED_GONE_TIMEOUT_MS);
  writeFileSync(configPath, conf);
  const proc = host.spawn('keepalived', [
    '-n', // stay in the foreground
    '-l', // log to the console
    '-D', // detailed log
    '-P', // VRRP only
    '-f',
    configPath,
    '-p',
    pidFile,
    '-r',
    vrrpPidFile,
    '-c',
    checkersPidFile,
  ]);
  const agent = new KeepalivedAgent(host, proc, configPath);
  await proc.waitForOutput(/Entering BACKUP STATE|Entering MASTER STATE/, 20_000);
  return agent;
}

export interface AddressEvent {
  /** Wall-clock ms, from `ip -ts monitor`. */
  readonly atMs: number;
  readonly added: boolean;
  readonly address: string;
}

/**
 * The kernel's own record of addresses coming and going in a host (`ip -ts monitor address`):
 * the same yardstick for floatd and keepalived.
 */
export class AddressWatch {
  private constructor(readonly proc: LabProcess) {}

  static async start(host: LabHost): Promise<AddressWatch> {
    const proc = host.spawn('ip', ['-ts', '-o', 'monitor', 'address']);
    await sleep(150); // the monitor subscribes asynchronously
    return new AddressWatch(proc);
  }

  events(): AddressEvent[] {
    const out: AddressEvent[] = [];
    for (const line of this.proc.output().split('\n')) {
      // [2026-11-25T11:00:00.123456] Deleted 2: eth0    inet 10.99.7.100/24 scope global ...
      const m = /^\[([0-9T:.-]+)\]\s+(Deleted\s+)?\d+:\s+\S+\s+inet6?\s+([0-9a-f.:]+)\//.exec(line);
      if (m === null) continue;
      out.push({
        atMs: monitorTimeMs(m[1] as string),
        added: m[2] === undefined,
        address: m[3] as string,
      });
    }
    return out;
  }

  async waitForAdd(address: string, afterMs: number, timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events().find((e) => e.added && e.address === address && e.atMs >= afterMs);
      if (hit !== undefined) return hit.atMs;
      if (Date.now() > deadline) throw new Error(`${address} not added within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    await this.proc.kill('SIGTERM');
  }
}

/**
 * `ip -ts`'s time (local, as ip prints it) with its microseconds: Date.parse alone keeps
 * milliseconds, and the benchmarks compare sub-millisecond differences.
 */
function monitorTimeMs(text: string): number {
  const [whole = text, fraction = ''] = text.split('.');
  return Date.parse(whole) + (fraction === '' ? 0 : Number(`0.${fraction}`) * 1000);
}

/** Poll `check` every `stepMs` until it holds (true) or `timeoutMs` passes (false). */
export async function pollUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  stepMs = 20,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return false;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
