// npm run bench:cloud -- [--rounds N] [--interval-ms MS]
// Cloud failover time: two floatd agents (unicast VRRP, one IMDSv2 fake each) and one EC2
// emulator over HTTP with the real SDK. Each round SIGKILLs the MASTER; for the agent that takes
// over it reports MASTER decision -> first API request received by the emulator (target: under
// 5 ms median), -> first claim, -> every claim accepted, -> every target confirmed by read-back.
import { parseArgs } from 'node:util';
import type { FloatdAgent } from '../lab/agents.js';
import { labTempDir, startFloatd } from '../lab/agents.js';
import { cloudLabSubnet, createCloudLab, type CloudHost, type CloudLab } from '../lab/cloud-lab.js';
import { Lab, labUnavailableReason } from '../lab/lab.js';
import { FIRST_REQUEST_TARGET_MS, report } from './cloud/report.js';
import { measureRound, type RoundResult } from './cloud/round.js';

const EXIT = { ok: 0, missed: 1, usage: 2, failed: 3 } as const;
const TARGETS = 3;
/** At 100 ms adverts (issue 12): Master_Down_Interval 361 ms (priority 100) + one round trip. */
const KILL_TO_ACCEPTED_TARGET_MS = 400;

const usage = `Usage: npm run bench:cloud -- [options]

Two floatd agents (h1, h2; unicast VRRP; nopreempt) in a network-namespace lab, each with an
IMDSv2 fake, and one EC2 emulator (lab/ec2-emulator) on the lab bridge, reached through the
real @aws-sdk/client-ec2. Each instance moves a secondary IP, an Elastic IP and a route in two
route tables. Each round SIGKILLs the MASTER and measures, for the agent that takes over, from
its MASTER decision: the first API request the emulator receives, the first claim, every claim
accepted, every target confirmed by reading back. The killed agent restarts as BACKUP.

Options:
  --rounds N         failovers to measure (default 10)
  --interval-ms MS   the VRRP advert interval, 10 to 1000 ms in steps of 10 (default 200)
  -h, --help         this text

Targets: median MASTER decision -> first API request under ${FIRST_REQUEST_TARGET_MS} ms; at --interval-ms 100,
median SIGKILL -> every claim accepted under ${KILL_TO_ACCEPTED_TARGET_MS} ms (Master_Down_Interval 361 ms + a round trip).
Exit status: 0 when the targets are met, 1 when not, 2 on bad arguments, 3 when the bench could
not run (needs root and iproute2).`;

function yaml(
  cloud: CloudLab,
  me: CloudHost,
  peer: CloudHost,
  vip: string,
  priority: number,
  intervalMs: number,
): string {
  return [
    cloud.cloudYaml({ recheckInterval: '5s' }),
    'log: { level: info }',
    'instances:',
    '  - name: web',
    '    vrid: 71',
    '    interface: eth0',
    `    priority: ${priority}`,
    '    preempt: false',
    `    advertInterval: ${intervalMs}ms`,
    `    vips: [${vip}/24]`,
    '    mode: unicast',
    `    unicast: { source: ${me.host.ip}, peers: [${peer.host.ip}] }`,
    ...cloud.targetsYaml(),
    '',
  ].join('\n');
}

async function run(rounds: number, intervalMs: number): Promise<RoundResult[]> {
  const lab = await Lab.create({ hosts: 2, rootAccess: true, subnet: cloudLabSubnet() });
  return lab.runThenDestroy(async () => {
    const cloud = await createCloudLab(lab, lab.hosts);
    try {
      const [h1, h2] = cloud.hosts as [CloudHost, CloudHost];
      const vip = lab.address(100);
      const dir = labTempDir();
      const start = (me: CloudHost, priority: number): Promise<FloatdAgent> =>
        startFloatd(
          me.host,
          yaml(cloud, me, me === h1 ? h2 : h1, vip, priority, intervalMs),
          dir,
          me.env,
        );
      let master = { agent: await start(h1, 150), host: h1 };
      await master.agent.waitForState('master');
      let backup = { agent: await start(h2, 100), host: h2 };
      await backup.agent.waitForState('backup');
      const results: RoundResult[] = [];
      for (let i = 0; i < rounds; i++) {
        // Let the BACKUP sit idle as in production (its connection may have gone cold).
        await new Promise((r) => setTimeout(r, 1500));
        const result = await measureRound(cloud, vip, master, backup, TARGETS);
        results.push(result);
        console.log(
          `round ${i + 1}/${rounds}: ${result.from} -> ${result.to}, first request ${result.firstRequestMs.toFixed(2)} ms`,
        );
        const restarted = {
          agent: await start(master.host, master.host === h1 ? 150 : 100),
          host: master.host,
        };
        await restarted.agent.waitForState('backup');
        master = backup;
        backup = restarted;
      }
      await Promise.all([master.agent.proc.kill('SIGTERM'), backup.agent.proc.kill('SIGTERM')]);
      return results;
    } finally {
      await cloud.close();
    }
  });
}

async function main(argv: readonly string[]): Promise<number> {
  let rounds: number;
  let intervalMs: number;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        rounds: { type: 'string', default: '10' },
        'interval-ms': { type: 'string', default: '200' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
    if (values.help) {
      console.log(usage);
      return EXIT.ok;
    }
    rounds = Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 500) {
      throw new RangeError(`--rounds must be a whole number from 1 to 500, got "${values.rounds}"`);
    }
    intervalMs = Number(values['interval-ms']);
    if (
      !Number.isInteger(intervalMs) ||
      intervalMs < 10 ||
      intervalMs > 1000 ||
      intervalMs % 10 !== 0
    ) {
      throw new RangeError(
        `--interval-ms must be 10 to 1000 in steps of 10 (VRRP counts centiseconds), got "${values['interval-ms']}"`,
      );
    }
  } catch (error) {
    console.error(`bench:cloud: ${(error as Error).message}\n\n${usage}`);
    return EXIT.usage;
  }
  const unavailable = labUnavailableReason();
  if (unavailable !== undefined) {
    console.error(`bench:cloud cannot run: ${unavailable}`);
    return EXIT.failed;
  }
  const results = await run(rounds, intervalMs);
  const { text, firstRequestMedianMs, killToAcceptedMedianMs } = report(results);
  console.log(`\nAdvert interval ${intervalMs} ms, ${rounds} rounds.\n${text}\n`);
  let met = firstRequestMedianMs < FIRST_REQUEST_TARGET_MS;
  console.log(
    `Target: median MASTER decision -> first API request under ${FIRST_REQUEST_TARGET_MS} ms: ${met ? 'met' : 'NOT met'} (${firstRequestMedianMs.toFixed(2)} ms).`,
  );
  if (intervalMs === 100) {
    const headline = killToAcceptedMedianMs <= KILL_TO_ACCEPTED_TARGET_MS;
    met &&= headline;
    console.log(
      `Target: median SIGKILL -> every claim accepted at most ${KILL_TO_ACCEPTED_TARGET_MS} ms: ${headline ? 'met' : 'NOT met'} (${killToAcceptedMedianMs.toFixed(1)} ms).`,
    );
  }
  return met ? EXIT.ok : EXIT.missed;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench:cloud failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(EXIT.failed);
  },
);
