// `npm run demo` (lab/demo-main.ts): a live failover on this machine, from a checkout. Three network namespaces on a bridge: two
// floatd agents holding a VIP, and a client pinging it. Kill the MASTER, watch the backup take
// over and the pings come back, bring the old MASTER back, stop it gracefully. Always torn down.
import { parseArgs } from 'node:util';
import { cloudLabSubnet, createCloudLab, type CloudLab } from './cloud-lab.js';
import { allOn, ownersNow } from './cloud-observe.js';
import { Lab, labUnavailableReason } from './lab.js';
import type { LabHost } from './lab.js';
import type { FloatdAgent } from './agents.js';
import { labTempDir, sleep, startFloatd } from './agents.js';
import { VipClient } from './vip-client.js';
import { masterDownIntervalMs, skewTimeMs } from '../src/agent/vrrp/intervals.js';
import { EXIT } from '../src/agent/cli/exit-codes.js';

/** The client's echo request interval (ping -i 0.1). */
const PROBE_MS = 100;

const USAGE = `Usage: npm run demo -- [--interval-ms MS]

A live failover demo (needs root: it creates network namespaces, then removes them):
  h1 and h2 run floatd (VRRP v3, priorities 150 and 100) for one VIP; h3 pings the VIP (ICMP
  echo of its own on a raw socket: no ping program needed).
  An EC2 API emulator (with an IMDSv2 fake per host) stands in for AWS: each MASTER also moves
  the VIP as a secondary private IP, an Elastic IP and a route in two route tables to its ENI.
  1. h1 becomes MASTER and holds the VIP.
  2. h1 dies (floatd SIGKILLed, cable pulled): h2 takes over after Master_Down_Interval;
     the client's pings resume.
  3. h1 comes back and preempts h2 (after its Master_Down_Interval: a router that follows no
     MASTER yet discards a lower one's adverts, RFC 5798 §6.4.2, as keepalived does).
  4. h1 is stopped (SIGTERM): it sends priority 0, h2 takes over after its Skew_Time.

Options:
  --interval-ms MS   advert interval, 100..10000 ms in steps of 10 (default 1000)
  -h, --help         this text`;

interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
}

export async function runDemo(
  argv: string[],
  io: Io,
  /** Why the lab cannot run here (injectable: a test cannot drop root portably). */
  unavailableReason: () => string | undefined = labUnavailableReason,
): Promise<number> {
  let values: { 'interval-ms'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'interval-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`demo: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help === true) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const intervalMs = Number(values['interval-ms'] ?? 1000);
  if (
    !Number.isInteger(intervalMs) ||
    intervalMs < 100 ||
    intervalMs > 10_000 ||
    intervalMs % 10 !== 0
  ) {
    io.stderr(
      `demo: --interval-ms must be 100..10000 in steps of 10, got "${values['interval-ms']}"`,
    );
    return EXIT.usage;
  }
  const unavailable = unavailableReason();
  if (unavailable !== undefined) {
    io.stderr(
      `demo: ${unavailable}.\nIt creates three network namespaces, runs two agents and a client in them, and removes them` +
        ' afterwards. Run it as root, e.g.: sudo npm run demo',
    );
    return EXIT.startup;
  }
  return new Demo(io, intervalMs).run();
}

class Demo {
  private readonly started = Date.now();
  private readonly cs: number;

  constructor(
    private readonly io: Io,
    private readonly intervalMs: number,
  ) {
    this.cs = intervalMs / 10;
  }

  private say(text: string): void {
    const t = ((Date.now() - this.started) / 1000).toFixed(3).padStart(8);
    this.io.stdout(`${t} s  ${text}`);
  }

  private cloud: CloudLab | undefined;

  async run(): Promise<number> {
    const lab = await Lab.create({ hosts: 3, rootAccess: true, subnet: cloudLabSubnet() });
    try {
      return await lab.runThenDestroy(async () => {
        this.cloud = await createCloudLab(lab, [lab.host(1), lab.host(2)]);
        try {
          return await this.script(lab);
        } finally {
          await this.cloud.close();
        }
      });
    } finally {
      this.say('lab removed (namespaces, processes, EC2 emulator)');
    }
  }

  /** Wait until the emulator shows every target on `host`'s ENI, and say how fast it went. */
  private async cloudMoved(
    agent: FloatdAgent,
    host: LabHost,
    vip: string,
    afterMs: number,
  ): Promise<void> {
    const cloud = this.cloud as CloudLab;
    const eni = cloud.hosts.find((h) => h.host === host)?.networkInterfaceId ?? '';
    const confirmed = (): Record<string, unknown>[] =>
      agent.logs().filter((l) => l.event === 'cloud-confirmed' && Number(l.time) >= afterMs - 1);
    const deadline = Date.now() + 10_000;
    while (!(allOn(ownersNow(cloud, vip), eni) && confirmed().length >= 3)) {
      if (Date.now() > deadline) {
        this.say(`EC2 emulator: targets not all on ${host.name}'s ENI ${eni} within 10 s`);
        return;
      }
      await sleep(20);
    }
    const ms = confirmed().map((l) => Number(l.msToConfirmed));
    this.say(
      `EC2 emulator: secondary IP, Elastic IP and both routes on ${host.name}'s ENI ${eni}, ` +
        `confirmed by read-back ${Math.min(...ms).toFixed(0)}-${Math.max(...ms).toFixed(0)} ms after the MASTER decision`,
    );
  }

  private config(priority: number): string {
    const cloud = this.cloud as CloudLab;
    return [
      cloud.cloudYaml({ recheckInterval: '2s', disableSourceDestCheck: true }),
      'log: { level: info }',
      'instances:',
      '  - name: demo',
      '    vrid: 51',
      '    interface: eth0',
      `    priority: ${priority}`,
      `    advertInterval: ${this.intervalMs}ms`,
      '    vips: [VIP/24]',
      '    garp: { masterDelay: 0s, masterRepeat: 3 }',
      ...cloud.targetsYaml(),
      '',
    ].join('\n');
  }

  private async script(lab: Lab): Promise<number> {
    const [h1, h2, client] = [lab.host(1), lab.host(2), lab.host(3)];
    const vip = lab.address(100);
    const dir = labTempDir();
    const yaml = (p: number): string => this.config(p).replace('VIP', vip);
    const mdi = masterDownIntervalMs(3, 100, this.cs);
    this.io.stdout(
      `demo: h1 ${h1.ip} (priority 150) and h2 ${h2.ip} (priority 100) share VIP ${vip}; ` +
        `client h3 ${client.ip} pings it.\n` +
        `Theory for h2: Master_Down_Interval ${mdi.toFixed(1)} ms, Skew_Time ${skewTimeMs(3, 100, this.cs).toFixed(1)} ms.\n`,
    );

    this.say('starting floatd on h1 and h2');
    const env = (host: LabHost): Record<string, string> => ({
      ...(this.cloud?.hosts.find((h) => h.host === host)?.env ?? {}),
    });
    const a1 = await startFloatd(h1, yaml(150), dir, env(h1));
    const a2 = await startFloatd(h2, yaml(100), dir, env(h2));
    const first = await a1.waitForState('master', 10 * this.intervalMs);
    this.say(
      `h1 is MASTER (${first.reason}); VIP on h1: ${await h1.hasAddress(vip)}, on h2: ${await h2.hasAddress(vip)}`,
    );
    await this.cloudMoved(a1, h1, vip, first.atMs);

    // The client's own ICMP echo over a raw socket (no ping on the machine needed), every
    // PROBE_MS; reply gaps are measured on its clock.
    const pinger = await VipClient.start(client, [vip], PROBE_MS);
    try {
      return await this.failovers(lab, pinger, { a1, a2, dir, env, yaml, mdi });
    } finally {
      const totals = await pinger.stop();
      this.say(
        `client: ${totals.replies} replies to ${totals.sent} echo requests ` +
          `(${Math.max(0, totals.sent - totals.replies)} unanswered) in all`,
      );
    }
  }

  private async failovers(
    lab: Lab,
    pinger: VipClient,
    ctx: {
      a1: FloatdAgent;
      a2: FloatdAgent;
      dir: string;
      env: (host: LabHost) => Record<string, string>;
      yaml: (priority: number) => string;
      mdi: number;
    },
  ): Promise<number> {
    const [h1, h2, client] = [lab.host(1), lab.host(2), lab.host(3)];
    const { a2, dir, env, yaml, mdi } = ctx;
    let { a1 } = ctx;
    const vip = pinger.vips[0] ?? '';
    if (!(await pinger.waitAllAnswering(30_000))) {
      throw new Error(`the client got no replies from ${vip} within 30 s`);
    }
    this.say(
      `client: pings to ${vip} answered (MAC ${await client.neighbourMac(vip)} = h1 ${await h1.mac()})`,
    );

    const killedAt = Date.now();
    this.say('== h1 dies: floatd SIGKILLed, cable pulled');
    await Promise.all([a1.proc.kill('SIGKILL'), h1.disconnect()]);
    const takeover = await a2.waitForState('master', 3 * mdi, killedAt);
    this.say(
      `h2 is MASTER (${takeover.reason}) ${takeover.atMs - killedAt} ms after h1 died (theory: ` +
        `Master_Down_Interval ${mdi.toFixed(0)} ms after h1's last advert, up to one interval before)`,
    );
    await this.cloudMoved(a2, h2, vip, takeover.atMs);
    const gap = await this.replyGap(pinger, killedAt);
    this.say(
      `client: pings answered again ${gap.resumedAfterMs} ms after h1 died (${gap.unanswered} ` +
        `unanswered); VIP MAC now ${await client.neighbourMac(vip)} = h2 ${await h2.mac()}`,
    );

    await sleep(2 * this.intervalMs);
    const restartAt = Date.now();
    this.say(
      '== h1 comes back: cable in, floatd started (it first removes the VIP the crash left)',
    );
    await h1.reconnect();
    a1 = await startFloatd(h1, yaml(150), dir, env(h1));
    const preempt = await a1.waitForState('master', 3 * mdi, restartAt);
    this.say(
      `h1 is MASTER again (${preempt.reason}) ${preempt.atMs - restartAt} ms after the restart ` +
        `command (process start included); h2 is ${await this.stateText(a2)}`,
    );
    await this.cloudMoved(a1, h1, vip, preempt.atMs);

    await sleep(2 * this.intervalMs);
    const stopAt = Date.now();
    this.say('== SIGTERM h1 (graceful: priority-0 advert)');
    const stopped = a1.proc.kill('SIGTERM');
    const handover = await a2.waitForState('master', 3 * mdi, stopAt);
    this.say(
      `h2 is MASTER (${handover.reason}) ${handover.atMs - stopAt} ms after the SIGTERM ` +
        `(theory: Skew_Time ${skewTimeMs(3, 100, this.cs).toFixed(1)} ms)`,
    );
    await this.cloudMoved(a2, h2, vip, handover.atMs);
    this.say(
      `h1 exited with status ${await stopped}; VIP on h1: ${await h1.hasAddress(vip)}, ` +
        `on h2: ${await h2.hasAddress(vip)}`,
    );
    const stopGap = await this.replyGap(pinger, stopAt);
    this.say(
      `client: pings answered again ${stopGap.resumedAfterMs} ms after the SIGTERM ` +
        `(${stopGap.unanswered} unanswered)`,
    );
    return EXIT.ok;
  }

  /**
   * The client's gap in replies around a failure at `sinceMs`: when replies came back, and
   * about how many echo requests went unanswered meanwhile. A handover the client never noticed
   * (no request lost) is 0 ms.
   */
  private async replyGap(
    pinger: VipClient,
    sinceMs: number,
  ): Promise<{ resumedAfterMs: number; unanswered: number }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const gap = pinger.gapAfter(sinceMs);
      if (gap !== undefined) {
        return {
          resumedAfterMs: Math.round(gap.replyMs - sinceMs),
          unanswered: Math.max(1, Math.round((gap.replyMs - gap.lastReplyMs) / PROBE_MS) - 1),
        };
      }
      // Answering all along, a second after the failure: nothing was lost.
      if (Date.now() > sinceMs + 1000 && (await pinger.waitAllAnswering(0))) {
        if (pinger.gapAfter(sinceMs) === undefined) return { resumedAfterMs: 0, unanswered: 0 };
      }
      if (Date.now() > deadline) throw new Error('the client got no replies again within 30 s');
      await sleep(20);
    }
  }

  private async stateText(agent: FloatdAgent): Promise<string> {
    await sleep(50);
    return (agent.state() ?? 'unknown').toUpperCase();
  }
}
