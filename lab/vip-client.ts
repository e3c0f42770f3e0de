// The client host's view of the VIPs: starts icmp-prober there and reads what it prints.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../src/agent/cli/self-command.js';
import { sleep } from './agents.js';
import type { LabHost } from './lab.js';
import type { LabProcess } from './lab-process.js';

const here = fileURLToPath(import.meta.url);
/** The prober beside this file: under tsx from the sources, plain node from a build. */
const PROBER_ARGS = here.endsWith('.ts')
  ? ['--import', 'tsx', join(dirname(here), 'icmp-prober.ts')]
  : [join(dirname(here), 'icmp-prober.js')];

/** A VIP that stopped answering and answered again (wall-clock ms of the replies around it). */
export interface ReplyGap {
  readonly vipIndex: number;
  readonly lastReplyMs: number;
  readonly replyMs: number;
}

export class VipClient {
  readonly gaps: ReplyGap[] = [];
  private answering = 0;
  private answeringAtMs = 0;
  private parsedUpTo = 0;

  private constructor(
    private readonly proc: LabProcess,
    readonly vips: readonly string[],
    readonly probeMs: number,
  ) {}

  static async start(host: LabHost, vips: readonly string[], probeMs: number): Promise<VipClient> {
    const proc = host.spawn(
      process.execPath,
      [...PROBER_ARGS, String(probeMs), ...vips],
      {},
      PACKAGE_ROOT,
    );
    await proc.waitForOutput(/^ready$/m, 30_000);
    return new VipClient(proc, vips, probeMs);
  }

  private update(): void {
    const out = this.proc.output();
    const end = out.lastIndexOf('\n') + 1;
    if (end <= this.parsedUpTo) return;
    for (const line of out.slice(this.parsedUpTo, end).split('\n')) {
      const [kind, a, b, c] = line.split(' ');
      if (kind === 'gap') {
        this.gaps.push({ vipIndex: Number(a), lastReplyMs: Number(b), replyMs: Number(c) });
      } else if (kind === 'up' && Number(b) === this.vips.length) {
        this.answering = Number(a);
        this.answeringAtMs = Number(c);
      }
    }
    this.parsedUpTo = end;
  }

  /** Wait until every VIP answers (the client reaches the MASTER for each); false on timeout. */
  async waitAllAnswering(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.proc.running) throw new Error(`icmp prober exited:\n${this.proc.output()}`);
      this.update();
      if (this.answering === this.vips.length) return true;
      if (Date.now() > deadline) return false;
      await sleep(50);
    }
  }

  /**
   * Per VIP, the outage around a fault at `faultMs`: the gap in its replies that began by
   * `faultMs + leadMs` (a VIP leaving gracefully still answers for a moment) and ended after the
   * fault, from the last reply before to the first after. Call it once the takeover should be
   * over: it waits until the client reaches every VIP again (or `timeoutMs`). A VIP that never
   * went quiet for a whole probe gets 0 (below the resolution), one still silent `undefined`.
   */
  async outages(
    faultMs: number,
    leadMs: number,
    timeoutMs: number,
  ): Promise<(number | undefined)[]> {
    const calledMs = performance.timeOrigin + performance.now();
    const deadline = Date.now() + timeoutMs;
    let allBack = false;
    while (!allBack && Date.now() <= deadline) {
      this.update();
      allBack = this.answering === this.vips.length && this.answeringAtMs >= calledMs;
      if (!allBack) await sleep(50);
    }
    return this.vips.map((_, i) => {
      const gap = this.gaps.find(
        (g) => g.vipIndex === i && g.replyMs > faultMs && g.lastReplyMs <= faultMs + leadMs,
      );
      if (gap !== undefined) return gap.replyMs - gap.lastReplyMs;
      return allBack ? 0 : undefined;
    });
  }

  /** The first gap of VIP `vipIndex` that ended after `sinceMs`, once there is one. */
  gapAfter(sinceMs: number, vipIndex = 0): ReplyGap | undefined {
    this.update();
    return this.gaps.find((g) => g.vipIndex === vipIndex && g.replyMs > sinceMs);
  }

  /** Stops the prober: the probes it sent and the replies it got in all. */
  async stop(): Promise<{ sent: number; replies: number }> {
    await this.proc.kill('SIGTERM');
    const m = /^done (\d+) (\d+)$/m.exec(this.proc.output());
    return { sent: Number(m?.[1] ?? 0), replies: Number(m?.[2] ?? 0) };
  }
}
