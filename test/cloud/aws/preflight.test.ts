// Startup checks and connection warm-up against the emulator.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCallsFor } from '../../../src/cloud/aws/aws-calls.js';
import { createEc2Client, warmUp } from '../../../src/cloud/aws/ec2-client.js';
import { preflight, type PreflightDeps } from '../../../src/cloud/aws/preflight.js';
import type { CloudTarget } from '../../../src/cloud/target.js';
import { actionsSeen, createFixture, SECRET_ACCESS_KEY, type Fixture } from './fixture.js';

let f: Fixture;
let targets: CloudTarget[];
beforeAll(async () => {
  f = await createFixture();
  targets = [f.secondaryIp, f.eipFor(f.a), f.route];
});
afterAll(async () => {
  await f?.close();
});

const depsFor = (host: Fixture['a'], client = host.client): PreflightDeps => ({
  client,
  identity: host.provider.identity,
  callTimeoutMs: 2_000,
});

describe('preflight', () => {
  it('reports source/destination checking on for route targets, and nothing else', async () => {
    const before = f.emulator.requests.length;
    const problems = await preflight(depsFor(f.a), targets);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('DescribeNetworkInterfaceAttribute');
    expect(problems[0]).toContain(f.a.networkInterfaceId);
    expect(problems[0]).toContain('source/destination check is on');
    expect(f.emulator.state.sourceDestCheck(f.a.networkInterfaceId)).toBe(true);
    const startup = new Set(targets.flatMap((t) => awsCallsFor(t).startup));
    const seen = actionsSeen(f.emulator, before);
    expect(seen[0]).toBe('DescribeNetworkInterfaces'); // first: proves credentials and the ENI
    expect(new Set(seen)).toEqual(startup);
  });

  it('turns the check off when disableSourceDestCheck is set', async () => {
    const before = f.emulator.requests.length;
    const problems = await preflight(depsFor(f.b), targets, { disableSourceDestCheck: true });
    expect(problems).toEqual([]);
    expect(f.emulator.state.sourceDestCheck(f.b.networkInterfaceId)).toBe(false);
    expect(actionsSeen(f.emulator, before)).toContain('ModifyNetworkInterfaceAttribute');
    expect(await preflight(depsFor(f.b), targets)).toEqual([]);
  });

  it('names each unknown id with its call; does not throw', async () => {
    const problems = await preflight(depsFor(f.b), [
      { kind: 'elastic-ip', allocationId: 'eipalloc-0123456789abcdef0', privateIp: '10.0.1.12' },
      {
        kind: 'route-table',
        routeTableIds: ['rtb-0123456789abcdef0'],
        destinationCidr: '192.168.100.10/32',
      },
    ]);
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.includes('DescribeAddresses'))).toContain(
      'eipalloc-0123456789abcdef0',
    );
    expect(problems.find((p) => p.includes('DescribeRouteTables'))).toContain(
      'rtb-0123456789abcdef0',
    );
  });

  it("an ENI that is not this instance's is a problem", async () => {
    const deps = {
      ...depsFor(f.a),
      identity: { ...f.a.provider.identity, networkInterfaceId: f.b.networkInterfaceId },
    };
    const problems = await preflight(deps, [f.secondaryIp]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`attached to ${f.b.instanceId}`);
  });

  it('bad credentials: one problem (the first call), not one per check', async () => {
    const client = f.client({ accessKeyId: 'AKIDUNKNOWN000000000' });
    const before = f.emulator.requests.length;
    const problems = await preflight(depsFor(f.a, client), targets);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('DescribeNetworkInterfaces');
    expect(problems[0]).toContain('credentials');
    expect(f.emulator.requests.length - before).toBe(1);
  });
});

/** A TCP relay to the emulator that counts the connections clients open. */
async function countingRelay(target: string): Promise<{
  endpoint: string;
  connections: () => number;
  close: () => Promise<void>;
}> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((inbound) => {
    connections++;
    const outbound = connect(Number(port), hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => (s === inbound ? outbound : inbound).destroy());
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relayPort = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${relayPort}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('warmUp', () => {
  it('resolves credentials and opens the connection the first call reuses, without an EC2 action', async () => {
    let resolved = 0;
    const relay = await countingRelay(f.emulator.endpoint);
    const client = createEc2Client({
      region: f.emulator.region,
      endpoint: relay.endpoint,
      callTimeoutMs: 2_000,
      credentials: async () => {
        resolved++;
        return { accessKeyId: 'AKIDFLOATDTEST000001', secretAccessKey: SECRET_ACCESS_KEY };
      },
    });
    try {
      const before = f.emulator.requests.length;
      await warmUp(client);
      expect(resolved).toBe(1);
      expect(relay.connections()).toBe(1);
      expect(f.emulator.requests.slice(before).map((r) => [r.action, r.accessKeyId])).toEqual([
        ['', ''],
      ]);
      expect(await preflight(depsFor(f.b, client), [f.secondaryIp])).toEqual([]);
      expect(resolved).toBe(1); // the first real call did not resolve again
      expect(relay.connections()).toBe(1); // nor open a new connection
    } finally {
      client.destroy();
      await relay.close();
    }
  });

  it('rejects when the endpoint cannot be reached', async () => {
    const client = createEc2Client({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9',
      callTimeoutMs: 500,
      credentials: { accessKeyId: 'AKIDX', secretAccessKey: 'x' },
    });
    try {
      await expect(warmUp(client)).rejects.toThrow();
    } finally {
      client.destroy();
    }
  });
});
