// Issue 13: the serverless controller as Lambda runs it. The handler is imported from the
// unpacked dist/lambda/floatd-controller.zip (`npm run build:lambda`), as the Node.js runtime
// loads index.mjs, and called with EventBridge's events in the shapes AWS documents. EC2 is the
// emulator over HTTP (the real SDK inside the bundle), and the candidates' health endpoints are
// HTTP servers inside two lab namespaces (h1, h2), probed over the lab bridge.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambda } from '../../../infra/lambda/build.js';
import { createCloudLab, cloudLabSubnet, type CloudLab } from '../../../lab/cloud-lab.js';
import { Lab, labUnavailableReason } from '../../../lab/lab.js';
import { AwsProvider } from '../../../src/cloud/aws/aws-provider.js';
import { createEc2Client } from '../../../src/cloud/aws/ec2-client.js';
import { Reconciler } from '../../../src/cloud/reconciler.js';
import type { CloudTarget } from '../../../src/cloud/target.js';
import { epochNowMs } from '../../../src/cloud/timing.js';
import { requireLab } from '../../lab/require-lab.js';
import pino from 'pino';

type Handler = (
  event: unknown,
  context: { getRemainingTimeInMillis(): number },
) => Promise<{
  evaluations?: number;
  moves?: { group: string; to: string; outcome: string }[];
  decisions?: Record<string, { action: string; why: string }>;
  note?: string;
}>;

const ROOT = join(import.meta.dirname, '../../..');
const HEALTH_PORT = 8080;
const INTERVAL_MS = 1000;
const FALL = 2;
const ROUTE_CIDR = '192.168.77.10/32';
const CONTROLLER_ID = 'floatd-test-controller';
const FENCE_LEASE_MS = 3000;
/** Actions that change EC2 (everything the controller or an agent sends but Describe*). */
const changing = (action: string): boolean => !action.startsWith('Describe');

// A health endpoint: answers /health with the status written in its file (200 or 503).
const HEALTH_SERVER = `
const fs = require('node:fs');
require('node:http').createServer((req, res) => {
  let code = 500;
  try { code = Number(fs.readFileSync(process.argv[1], 'utf8').trim()) || 500; } catch {}
  res.writeHead(req.url === '/health' ? code : 404).end();
}).listen(${HEALTH_PORT}, '0.0.0.0', () => console.log('listening'));
`;

const scheduled = (): unknown => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: new Date(epochNowMs()).toISOString().replace(/\.\d+Z$/, 'Z'),
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/floatd-controller-schedule'],
  detail: {},
});

const stateChange = (instanceId: string, state: string, atMs: number): unknown => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: new Date(atMs).toISOString().replace(/\.\d+Z$/, 'Z'),
  region: 'eu-west-1',
  resources: [`arn:aws:ec2:eu-west-1:123456789012:instance/${instanceId}`],
  detail: { 'instance-id': instanceId, state },
});

const remaining = (ms: number) => {
  const endMs = epochNowMs() + ms;
  return { getRemainingTimeInMillis: () => Math.max(0, endMs - epochNowMs()) };
};

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
  const end = epochNowMs() + timeoutMs;
  while (!check()) {
    if (epochNowMs() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return epochNowMs();
}

describe('the controller Lambda, from its zip, against the EC2 emulator and lab hosts', () => {
  let lab: Lab | undefined;
  let cloud: CloudLab | undefined;
  let dir: string | undefined;
  let handler: Handler;
  /** Another execution environment: the module loaded again (a cold start). */
  let coldHandler: Handler;
  const env = { ...process.env };
  let vip = '';
  let targets: CloudTarget[] = [];
  let statusFiles: string[] = [];
  /** The source files in the Lambda's bundle. */
  let bundled: readonly string[] = [];
  /** What the function wrote to stdout (CloudWatch Logs, in Lambda): its log and EMF lines. */
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const lines = (): Record<string, unknown>[] =>
    written
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  const setHealth = (host: 0 | 1, code: number): void =>
    writeFileSync(statusFiles[host] as string, String(code));
  const c = (): CloudLab => cloud as CloudLab;
  const eni = (host: 0 | 1): string => c().hosts[host]?.networkInterfaceId as string;
  /** Where EC2 (strongly consistent) has every target: an ENI, or 'split'/'none'. */
  const placement = (): string => {
    const { state } = c().emulator;
    const owners = new Set<string | undefined>([
      state.eniOf(vip),
      state.eipAssociation(c().allocationId)?.networkInterfaceId,
      ...c().routeTableIds.map((id) => state.route(id, ROUTE_CIDR)?.networkInterfaceId),
    ]);
    if (owners.size > 1) return 'split';
    return [...owners][0] ?? 'none';
  };
  const changingRequests = () => c().emulator.requests.filter((r) => changing(r.action));

  beforeAll(async () => {
    // Each test calls requireLab (fails in CI, skips elsewhere); only build what can be built.
    if (labUnavailableReason() !== undefined) return;
    lab = await Lab.create({ hosts: 2, rootAccess: true, subnet: cloudLabSubnet() });
    cloud = await createCloudLab(lab, lab.hosts);
    vip = lab.address(50);
    targets = [
      { kind: 'secondary-ip', address: vip },
      { kind: 'elastic-ip', allocationId: cloud.allocationId, privateIp: vip },
      { kind: 'route-table', routeTableIds: [...cloud.routeTableIds], destinationCidr: ROUTE_CIDR },
    ];
    dir = mkdtempSync(join(tmpdir(), 'floatd-lambda-'));
    statusFiles = [join(dir, 'h1.status'), join(dir, 'h2.status')];
    setHealth(0, 200);
    setHealth(1, 200);
    for (const [i, host] of lab.hosts.entries()) {
      const server = host.spawn(process.execPath, ['-e', HEALTH_SERVER, statusFiles[i] as string]);
      await until(
        `${host.name}'s health server`,
        () => server.output().includes('listening'),
        10_000,
      );
    }
    const built = await buildLambda(ROOT);
    bundled = built.inputs;
    const unpacked = join(dir, 'task');
    execFileSync('unzip', ['-q', built.zipPath, '-d', unpacked]);
    const [h1, h2] = cloud.hosts;
    const config = {
      region: cloud.region,
      endpoint: cloud.emulator.endpoint,
      controllerId: CONTROLLER_ID,
      groups: [
        {
          name: 'web',
          targets,
          candidates: [h1, h2].map((h, i) => ({
            instanceId: h?.instanceId,
            networkInterfaceId: h?.networkInterfaceId,
            subnetId: cloud?.subnetId,
            priority: i === 0 ? 200 : 100,
            address: h?.host.ip,
          })),
          health: {
            check: { type: 'http', port: HEALTH_PORT, path: '/health' },
            intervalMs: INTERVAL_MS,
            timeoutMs: 500,
            rise: 2,
            fall: FALL,
          },
          preempt: true,
          preemptHoldDownMs: 60_000,
        },
      ],
      // Short, so that a frozen agent is seen gone within the test (agents default to 15 s).
      fenceLeaseMs: FENCE_LEASE_MS,
    };
    // What Lambda gives the function: its configuration and credentials in the environment.
    Object.assign(process.env, {
      FLOATD_CONTROLLER_CONFIG: JSON.stringify(config),
      FLOATD_LOG_LEVEL: 'info',
      AWS_ACCESS_KEY_ID: h1?.env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: h1?.env.AWS_SECRET_ACCESS_KEY,
      AWS_REGION: cloud.region,
    });
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    const index = pathToFileURL(join(unpacked, 'index.mjs')).href;
    handler = ((await import(index)) as { handler: Handler }).handler;
    coldHandler = ((await import(`${index}?environment=2`)) as { handler: Handler }).handler;
  }, 120_000);

  afterAll(async () => {
    process.stdout.write = write;
    process.env = env;
    await cloud?.close();
    await lab?.destroy();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("a cold start places the targets on the best candidate; the holder's check fails → on the peer within fall × interval + 1 s", async (ctx) => {
    requireLab(ctx);
    // The controller stands on src/cloud (and the shared probes) alone: no agent, no scaffolding.
    expect(bundled.filter((f) => /^(src\/agent|lab|test)\//.test(f))).toEqual([]);
    expect(bundled).toContain('src/cloud/controller/handler.ts');
    const run = handler(scheduled(), remaining(12_000));
    await until('the targets on h1', () => placement() === eni(0), 5_000);
    const failedAtMs = epochNowMs();
    setHealth(0, 503);
    const movedAtMs = await until('the targets on h2', () => placement() === eni(1), 6_000);
    const summary = await run;
    console.log(
      `health check failed → every target on h2 after ${(movedAtMs - failedAtMs).toFixed(0)} ms`,
    );
    expect(movedAtMs - failedAtMs).toBeLessThanOrEqual(FALL * INTERVAL_MS + 1000);
    // Confirmed by read-back before the controller called each move done.
    expect(summary.moves).toEqual([
      { group: 'web', to: c().hosts[0]?.instanceId, outcome: 'confirmed' },
      { group: 'web', to: c().hosts[1]?.instanceId, outcome: 'confirmed' },
    ]);
    // One log line per decision, and the metrics as CloudWatch's embedded metric format.
    const moved = lines().filter((l) => l.event === 'decision' && l.action === 'move');
    expect(moved.map((l) => l.to)).toEqual([c().hosts[0]?.instanceId, c().hosts[1]?.instanceId]);
    const emf = lines().filter((l) => l._aws !== undefined && l.Moves === 1);
    expect(emf).toHaveLength(2);
    expect(emf[0]).toMatchObject({
      Group: 'web',
      _aws: { CloudWatchMetrics: [{ Namespace: 'floatd/controller', Dimensions: [['Group']] }] },
    });
    expect(emf[0]?.MoveConfirmedMs).toBeGreaterThan(0);
    // The controller's fence record for the move, under its own id for h2.
    const tags = c().emulator.state.tagsOf(c().allocationId);
    const key = `floatd:fence:${c().allocationId}:${CONTROLLER_ID}/${c().hosts[1]?.instanceId}`;
    expect(tags[key]).toMatch(/^v1 term=\d+ owner=\S+ beat=\d+ released=0$/);
  }, 30_000);

  it('a state-change event for the holder → the targets move within 1 s of it (a cold environment)', async (ctx) => {
    requireLab(ctx);
    setHealth(0, 200);
    const h2 = c().hosts[1]?.instanceId as string;
    c().emulator.state.setInstanceState(h2, 'stopping');
    const eventAtMs = epochNowMs();
    const summary = await coldHandler(stateChange(h2, 'stopping', eventAtMs), remaining(10_000));
    const movedAtMs = await until('the targets on h1', () => placement() === eni(0), 1_000);
    console.log(
      `state-change event → every target on h1 after ${(movedAtMs - eventAtMs).toFixed(0)} ms`,
    );
    expect(movedAtMs - eventAtMs).toBeLessThanOrEqual(1000);
    expect(summary.moves).toEqual([
      { group: 'web', to: c().hosts[0]?.instanceId, outcome: 'confirmed' },
    ]);
  });

  it('a duplicated and a reordered event change nothing', async (ctx) => {
    requireLab(ctx);
    const [h1, h2] = [c().hosts[0]?.instanceId as string, c().hosts[1]?.instanceId as string];
    c().emulator.clearRequests();
    // The same event again (EventBridge delivers at least once), in both environments.
    const again = stateChange(h2, 'stopping', epochNowMs() - 2000);
    await coldHandler(again, remaining(10_000));
    await handler(again, remaining(10_000));
    // An old event, delivered late: h1 stopped once, but EC2 says it runs now.
    const stale = await handler(
      stateChange(h1, 'stopped', epochNowMs() - 600_000),
      remaining(10_000),
    );
    expect(stale.note).toBe('EC2 says running');
    // And h2's "pending" from before it stopped, arriving after.
    await coldHandler(stateChange(h2, 'pending', epochNowMs() - 300_000), remaining(10_000));
    expect(changingRequests()).toEqual([]);
    expect(placement()).toBe(eni(0));
  });

  it('a scheduled run in another environment does not hand the targets back to a host EC2 is stopping', async (ctx) => {
    requireLab(ctx);
    const [h1, h2] = [c().hosts[0]?.instanceId as string, c().hosts[1]?.instanceId as string];
    c().emulator.state.setInstanceState(h2, 'running');
    try {
      // Environment 1 runs on schedule and comes to see both healthy, h1 (priority 200) holding.
      const run = handler(scheduled(), remaining(12_000));
      await new Promise((r) => setTimeout(r, 2_500));
      expect(placement()).toBe(eni(0));
      // h1 is being stopped; its service still answers. The event reaches environment 2.
      c().emulator.state.setInstanceState(h1, 'stopping');
      const eventAtMs = epochNowMs();
      const moved = await coldHandler(stateChange(h1, 'stopping', eventAtMs), remaining(10_000));
      expect(moved.moves).toEqual([{ group: 'web', to: h2, outcome: 'confirmed' }]);
      // Environment 1 still counts h1 healthy and would preempt: the rest of its run must not
      // move anything back.
      const seen = new Set<string>();
      let done = false;
      void run.finally(() => (done = true));
      while (!done) {
        seen.add(placement());
        await new Promise((r) => setTimeout(r, 20));
      }
      const summary = await run;
      expect([...seen]).toEqual([eni(1)]);
      expect(summary.moves).toEqual([]);
      expect(summary.decisions?.web?.action).toBe('keep');
    } finally {
      c().emulator.state.setInstanceState(h1, 'running');
    }
  }, 30_000);

  it('a target held by a live floatd agent is never touched; once it stops renewing, it is', async (ctx) => {
    requireLab(ctx);
    const h2 = c().hosts[1];
    c().emulator.state.setInstanceState(h2?.instanceId as string, 'running');
    // h2's agent: floatd's own cloud code, MASTER, renewing its fence record every second.
    const agent = new Reconciler({
      instance: 'vi1',
      targets,
      logger: pino({ level: 'silent' }),
      settings: { recheckIntervalMs: 1000 },
    });
    agent.setProvider(
      new AwsProvider({
        client: createEc2Client({
          region: c().region,
          endpoint: c().emulator.endpoint,
          callTimeoutMs: 2000,
          credentials: {
            accessKeyId: h2?.env.AWS_ACCESS_KEY_ID ?? '',
            secretAccessKey: h2?.env.AWS_SECRET_ACCESS_KEY ?? '',
          },
        }),
        identity: {
          instanceId: h2?.instanceId as string,
          networkInterfaceId: h2?.networkInterfaceId as string,
          subnetId: c().subnetId,
          region: c().region,
        },
        callTimeoutMs: 2000,
      }),
    );
    try {
      agent.becomeMaster(epochNowMs());
      await until('the agent holding every target', () => placement() === eni(1), 5_000);
      // The controller would move the group to h1: h2 fails its check, h1 passes.
      setHealth(1, 503);
      c().emulator.clearRequests();
      // Evaluations for longer than the lease: the agent's record keeps changing, so it is live.
      const summary = await handler(scheduled(), remaining(10_000));
      expect(summary.evaluations).toBeGreaterThan(FENCE_LEASE_MS / INTERVAL_MS);
      expect(summary.moves).toEqual([]);
      expect(summary.decisions?.web?.why).toMatch(/held by the floatd agent i-/);
      const controllers = changingRequests().filter((r) =>
        Object.values(r.params).some((v) => v === eni(0) || v.includes(CONTROLLER_ID)),
      );
      expect(controllers).toEqual([]);
      expect(placement()).toBe(eni(1));
      // The agent freezes (its record stays, unreleased, and stops changing): after the lease
      // it is gone, and the group goes to the healthy h1.
      agent.detach();
      const frozenAtMs = epochNowMs();
      const after = await handler(scheduled(), remaining(12_000));
      expect(after.moves).toEqual([
        { group: 'web', to: c().hosts[0]?.instanceId, outcome: 'confirmed' },
      ]);
      const movedAtMs = c().emulator.requests.find(
        (r) => r.action === 'AssignPrivateIpAddresses' && r.atMs > frozenAtMs,
      )?.atMs;
      expect((movedAtMs ?? 0) - frozenAtMs).toBeGreaterThan(FENCE_LEASE_MS - 2 * INTERVAL_MS);
      expect(placement()).toBe(eni(0));
    } finally {
      agent.detach();
    }
  }, 30_000);

  it('no healthy candidate → no call that changes anything, and the decision says why', async (ctx) => {
    requireLab(ctx);
    setHealth(0, 503);
    setHealth(1, 503);
    // Long enough for both to count unhealthy (fall × interval).
    await handler(scheduled(), remaining(8_000));
    c().emulator.clearRequests();
    const summary = await handler(scheduled(), remaining(8_000));
    expect(summary.decisions?.web).toEqual({
      action: 'wait',
      why: 'no healthy candidate: nothing moves',
    });
    expect(summary.moves).toEqual([]);
    expect(changingRequests()).toEqual([]);
  }, 30_000);
});
