// Gratuitous ARP for IPv4 VIPs with `arping -U -c 1 -I DEV VIP` (Debian iputils-arping): a
// broadcast ARP request with sender = target = VIP, exactly keepalived's frame. The VIP must
// already be on DEV (arping binds to it).
import { spawn as spawnChild } from 'node:child_process';
import type { Logger } from 'pino';
import type { AnnounceSender } from './garp.js';
import type { Vip } from './vip.js';

/** The subset of ChildProcess the sender uses (injectable for tests). */
export interface ArpingProcess {
  readonly stderr: NodeJS.ReadableStream | null;
  kill(signal?: NodeJS.Signals): boolean;
  once(
    event: 'close',
    listener: (code: number | null, signal: NodeJS.Signals | null) => void,
  ): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
}

export type ArpingSpawner = (cmd: string, args: string[]) => ArpingProcess;

export interface ArpingSenderOptions {
  readonly logger: Logger;
  readonly spawn?: ArpingSpawner;
  /** Run `fn` on a later event-loop turn (setImmediate; injectable for tests). */
  readonly defer?: (fn: () => void) => void;
  /** arping processes alive at once; each lives ~1 s. */
  readonly maxRunning?: number;
  /** Announcements waiting for a free slot; beyond this they are dropped (and logged). */
  readonly maxQueued?: number;
  /** Called by close(): e.g. to stop the fork server behind `spawn`. */
  readonly onClose?: () => void;
}

export const defaultSpawner: ArpingSpawner = (cmd, args) =>
  spawnChild(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });

/**
 * arping puts its first frame on the wire ~5 ms after spawn() here, then lives ~1 s waiting out
 * the count interval (neither -w nor -i takes fractions), so it is never awaited. spawn() itself
 * forks synchronously (~4 ms), so only the first of a burst is spawned at once and the rest one
 * per event-loop turn: a burst for many VIPs must not stall adverts and other instances.
 */
export class ArpingSender implements AnnounceSender {
  private readonly logger: Logger;
  private readonly spawn: ArpingSpawner;
  private readonly defer: (fn: () => void) => void;
  private readonly maxRunning: number;
  private readonly maxQueued: number;
  private readonly running = new Set<ArpingProcess>();
  private readonly queue: Vip[] = [];
  private pumpScheduled = false;
  private closed = false;
  private dropped = 0;
  private readonly onClose: (() => void) | undefined;

  constructor(opts: ArpingSenderOptions) {
    this.logger = opts.logger.child({ component: 'net.garp' });
    this.spawn = opts.spawn ?? defaultSpawner;
    this.defer = opts.defer ?? ((fn) => void setImmediate(fn));
    this.maxRunning = opts.maxRunning ?? 32;
    this.maxQueued = opts.maxQueued ?? 1024;
    this.onClose = opts.onClose;
  }

  send(vip: Vip): void {
    if (this.closed) return;
    if (this.queue.length >= this.maxQueued) {
      this.dropped++;
      this.logger.warn(
        { vip: vip.address, dev: vip.device, dropped: this.dropped },
        'GARP queue full; dropped',
      );
      return;
    }
    this.queue.push(vip);
    this.pump();
  }

  /** arping processes alive now and announcements waiting (for tests and status). */
  get load(): { running: number; queued: number; dropped: number } {
    return { running: this.running.size, queued: this.queue.length, dropped: this.dropped };
  }

  /** Drop what is queued and kill the arping processes still running. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const child of this.running) child.kill('SIGKILL');
    this.running.clear();
    this.onClose?.();
  }

  private pump(): void {
    if (this.pumpScheduled || this.closed || this.running.size >= this.maxRunning) return;
    const vip = this.queue.shift();
    if (vip === undefined) return;
    this.start(vip);
    // Even with nothing queued: a send later in this turn must wait for the next turn.
    this.pumpScheduled = true;
    this.defer(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private start(vip: Vip): void {
    const args = ['-U', '-c', '1', '-I', vip.device, vip.address];
    let child: ArpingProcess;
    try {
      child = this.spawn('arping', args);
    } catch (error) {
      this.logger.warn({ err: error, vip: vip.address, dev: vip.device }, 'cannot start arping');
      return;
    }
    this.running.add(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 2048) stderr += chunk;
    });
    const finished = (): void => {
      if (!this.running.delete(child)) return; // closed, or 'error' and 'close' both came
      this.pump();
    };
    child.once('error', (error) => {
      this.logger.warn(
        { err: error, vip: vip.address, dev: vip.device },
        'cannot run arping (is iputils-arping installed?)',
      );
      finished();
    });
    child.once('close', (code, signal) => {
      if (code !== 0 && signal === null) {
        this.logger.warn(
          { vip: vip.address, dev: vip.device, code, stderr: stderr.trim() },
          'arping failed',
        );
      }
      finished();
    });
  }
}
