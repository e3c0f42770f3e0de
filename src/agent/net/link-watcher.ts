// Link state of interfaces, event-driven: one long-running `ip -o monitor link` child reports
// every netlink link message (tens of ms, no polling); `ip -j link show` gives the initial state.
import { spawn as spawnChild } from 'node:child_process';
import type { Logger } from 'pino';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { dieWithAgent } from '../process/death-signal.js';
import { execFileRunner, failureText, type CommandRunner } from './command-runner.js';
import { NetClosedError, NetCommandError, NetOutputError } from './errors.js';

/**
 * Up means the kernel would carry traffic: RFC 2863 operstate UP, or operstate UNKNOWN (drivers
 * that do not track it, such as lo and tun) with the interface administratively UP and a carrier
 * (LOWER_UP). LOWER_UP alone is not enough: a veth being set up shows
 * `<NO-CARRIER,...,UP,LOWER_UP> state DOWN` for a moment.
 */
export function linkIsUp(flags: readonly string[], operstate: string | undefined): boolean {
  if (operstate === 'UP') return true;
  if (operstate !== undefined && operstate !== 'UNKNOWN') return false;
  return flags.includes('UP') && flags.includes('LOWER_UP');
}

export interface MonitorEvent {
  readonly index: number;
  readonly name: string;
  readonly deleted: boolean;
  readonly up: boolean;
}

// "2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group ..."
// "Deleted 2: eth0@if3: <...> ... state DOWN ..."
const MONITOR_LINE =
  /^(Deleted\s+)?(\d+):\s+([^\s:@]+)(?:@[^\s:]*)?:\s+<([^>]*)>(?:.*?\sstate\s+([A-Z]+))?/;

/** One line of `ip -o monitor link`, or undefined for lines that are not link messages. */
export function parseMonitorLine(line: string): MonitorEvent | undefined {
  const m = MONITOR_LINE.exec(line.trim());
  if (m === null) return undefined;
  const flags = (m[4] ?? '').split(',').filter(Boolean);
  const deleted = m[1] !== undefined;
  return {
    index: Number(m[2]),
    name: m[3] ?? '',
    deleted,
    up: !deleted && linkIsUp(flags, m[5]),
  };
}

/** The subset of ChildProcess the watcher uses (injectable for tests). */
export interface MonitorProcess {
  readonly stdout: NodeJS.ReadableStream | null;
  kill(signal?: NodeJS.Signals): boolean;
  once(
    event: 'close',
    listener: (code: number | null, signal: NodeJS.Signals | null) => void,
  ): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
}

export interface LinkWatcherOptions {
  readonly logger: Logger;
  readonly run?: CommandRunner;
  readonly spawnMonitor?: () => MonitorProcess;
  readonly clock?: Clock;
  /** Wait before restarting a monitor that died. */
  readonly restartDelayMs?: number;
  /**
   * After (re)starting the monitor, read every watched link once more this much later: a change
   * between the spawn and the monitor's netlink subscription would otherwise go unseen.
   */
  readonly settleMs?: number;
}

interface Watched {
  up: boolean | undefined;
  /** Bumped by every monitor event for this name: a slower `ip link show` must not undo it. */
  generation: number;
  readonly listeners: Set<(up: boolean) => void>;
}

/** Killed by the kernel when floatd dies: an orphan would live on (it never reads stdin). */
const defaultMonitor = (): MonitorProcess => {
  const { cmd, args } = dieWithAgent('ip', ['-o', 'monitor', 'link']);
  return spawnChild(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
};

const MISSING_DEVICE = /does not exist|Cannot find device/i;

export class LinkWatcher {
  private readonly logger: Logger;
  private readonly run: CommandRunner;
  private readonly spawnMonitor: () => MonitorProcess;
  private readonly clock: Clock;
  private readonly restartDelayMs: number;
  private readonly settleMs: number;
  private readonly watched = new Map<string, Watched>();
  /** ifindex -> name, to notice a watched interface renamed away. */
  private readonly names = new Map<number, string>();
  private monitor: MonitorProcess | undefined;
  private readonly timers = new Set<TimerHandle>();
  private closed = false;

  constructor(opts: LinkWatcherOptions) {
    this.logger = opts.logger.child({ component: 'net.link' });
    this.run = opts.run ?? execFileRunner;
    this.spawnMonitor = opts.spawnMonitor ?? defaultMonitor;
    this.clock = opts.clock ?? systemClock;
    this.restartDelayMs = opts.restartDelayMs ?? 1000;
    this.settleMs = opts.settleMs ?? 250;
  }

  /**
   * Resolves with the link's state now and calls `onChange` on every later change. An interface
   * that does not exist is down (and reported up if it appears).
   */
  async watch(ifname: string, onChange: (up: boolean) => void): Promise<boolean> {
    if (this.closed) throw new NetClosedError('link watcher');
    let entry = this.watched.get(ifname);
    if (entry === undefined) {
      entry = { up: undefined, generation: 0, listeners: new Set() };
      this.watched.set(ifname, entry);
    }
    // Monitor first, then read: a change after the read is then seen as an event.
    this.ensureMonitor();
    const generation = entry.generation;
    const up = await this.readState(ifname);
    if (entry.generation === generation) entry.up = up;
    entry.listeners.add(onChange);
    return entry.up ?? up;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    this.monitor?.kill('SIGTERM');
    this.monitor = undefined;
    this.watched.clear();
  }

  private ensureMonitor(): void {
    if (this.monitor !== undefined || this.closed) return;
    const child = this.spawnMonitor();
    this.monitor = child;
    let pending = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.handleLine(line);
    });
    let gone = false;
    const died = (detail: unknown): void => {
      if (gone) return;
      gone = true;
      if (this.monitor !== child) return; // closed or replaced
      this.monitor = undefined;
      if (this.closed) return;
      this.logger.warn({ detail }, 'ip monitor exited; restarting');
      this.after(this.restartDelayMs, () => this.ensureMonitor());
    };
    child.once('error', (error) => died(error));
    child.once('close', (code, signal) => died({ code, signal }));
    this.after(this.settleMs, () => void this.reconcile());
  }

  private handleLine(line: string): void {
    const event = parseMonitorLine(line);
    if (event === undefined) return;
    const previous = this.names.get(event.index);
    if (event.deleted) this.names.delete(event.index);
    else this.names.set(event.index, event.name);
    // A watched interface renamed to something else is gone as far as its name goes.
    if (previous !== undefined && previous !== event.name) this.update(previous, false);
    this.update(event.name, event.up);
  }

  private update(ifname: string, up: boolean): void {
    const entry = this.watched.get(ifname);
    if (entry === undefined) return;
    entry.generation++;
    if (entry.up === up) return;
    entry.up = up;
    this.logger.info({ iface: ifname, up }, up ? 'link up' : 'link down');
    for (const listener of entry.listeners) {
      try {
        listener(up);
      } catch (error) {
        this.logger.error({ err: error, iface: ifname }, 'link listener threw');
      }
    }
  }

  /** Read every watched link again and report what the monitor may have missed. */
  private async reconcile(): Promise<void> {
    for (const [ifname, entry] of this.watched) {
      const generation = entry.generation;
      try {
        const up = await this.readState(ifname);
        if (!this.closed && entry.generation === generation && entry.up !== undefined)
          this.update(ifname, up);
      } catch (error) {
        this.logger.warn({ err: error, iface: ifname }, 'cannot read link state');
      }
    }
  }

  private async readState(ifname: string): Promise<boolean> {
    const args = ['-j', 'link', 'show', 'dev', ifname];
    let stdout: string;
    try {
      ({ stdout } = await this.run('ip', args));
    } catch (error) {
      const text = failureText(error);
      if (MISSING_DEVICE.test(text)) return false;
      throw new NetCommandError('ip', args, text, error);
    }
    let links: unknown;
    try {
      links = JSON.parse(stdout);
    } catch (error) {
      throw new NetOutputError(`ip ${args.join(' ')}`, 'not JSON', error);
    }
    const link = Array.isArray(links)
      ? (links[0] as { ifindex?: number; flags?: string[]; operstate?: string } | undefined)
      : undefined;
    if (link === undefined) throw new NetOutputError(`ip ${args.join(' ')}`, 'no link');
    if (typeof link.ifindex === 'number') this.names.set(link.ifindex, ifname);
    return linkIsUp(link.flags ?? [], link.operstate);
  }

  private after(delayMs: number, fire: () => void): void {
    const timer = this.clock.setTimer(this.clock.nowMs() + delayMs, () => {
      this.timers.delete(timer);
      fire();
    });
    this.timers.add(timer);
  }
}
