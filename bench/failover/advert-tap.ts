// VRRP adverts as seen on the segment from a neutral host (tcpdump's kernel capture timestamps,
// the same wall clock as the address events): when the MASTER last spoke before a fault, and
// when its priority-0 advert went out after SIGTERM.
import { sleep } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import type { LabProcess } from '../../lab/lab-process.js';

export interface SeenAdvert {
  /** Capture time, wall-clock ms. */
  readonly atMs: number;
  readonly src: string;
  readonly priority: number;
}

// 1764068400.123456 IP 10.99.7.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12
const LINE = /^(\d+\.\d+) IP (\S+) > \S+: VRRPv\d, Advertisement, vrid \d+, prio (\d+)/;

export class AdvertTap {
  /** Parsed so far (incrementally: the bench polls, and the capture grows all run long). */
  private readonly seen: SeenAdvert[] = [];
  private parsedUpTo = 0;

  private constructor(private readonly proc: LabProcess) {}

  /** Undefined when tcpdump cannot run here (it is optional: the bench then picks phases blindly). */
  static async start(host: LabHost): Promise<AdvertTap | undefined> {
    const proc = host.spawn('tcpdump', [
      '-i',
      'eth0',
      '-n',
      '-l', // line-buffered output
      '--immediate-mode', // and no capture buffering: each advert as it arrives
      '-tt',
      '--time-stamp-precision=micro',
      'ip proto 112',
    ]);
    try {
      await proc.waitForOutput(/listening on/, 5000);
      return new AdvertTap(proc);
    } catch {
      await proc.kill('SIGKILL');
      return undefined;
    }
  }

  adverts(src: string): SeenAdvert[] {
    const output = this.proc.output();
    const end = output.lastIndexOf('\n') + 1;
    if (end > this.parsedUpTo) {
      for (const line of output.slice(this.parsedUpTo, end).split('\n')) {
        const m = LINE.exec(line);
        if (m === null) continue;
        this.seen.push({ atMs: Number(m[1]) * 1000, src: m[2] as string, priority: Number(m[3]) });
      }
      this.parsedUpTo = end;
    }
    return this.seen.filter((a) => a.src === src);
  }

  /** The last advert from `src` at or before `atMs`. */
  lastBefore(src: string, atMs: number): SeenAdvert | undefined {
    return this.adverts(src)
      .filter((a) => a.atMs <= atMs)
      .at(-1);
  }

  /** The first advert from `src` after `afterMs` matching `accept`; waits for it. */
  async next(
    src: string,
    afterMs: number,
    timeoutMs: number,
    accept: (a: SeenAdvert) => boolean = () => true,
  ): Promise<SeenAdvert> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.adverts(src).find((a) => a.atMs > afterMs && accept(a));
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`no advert from ${src} within ${timeoutMs} ms`);
      await sleep(5);
    }
  }

  async stop(): Promise<void> {
    await this.proc.kill('SIGTERM');
  }
}
