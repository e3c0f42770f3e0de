// Discovery against the IMDS fake fed from the EC2 emulator's state: the ENI behind the VRRP
// interface's MAC, the primary by default, config overrides, and the startup retry loop.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  discoverIdentity,
  discoverWithRetry,
  normaliseMac,
} from '../../../src/cloud/aws/discovery.js';
import { ImdsClient, type ImdsReader } from '../../../src/cloud/aws/imds-client.js';
import { createImdsFake, type ImdsFake } from '../../../lab/ec2-emulator/imds-fake.js';
import { imdsInterfacesFor } from '../../../lab/ec2-emulator/imds-interfaces.js';
import { createEc2Emulator, type Ec2Emulator } from '../../../lab/ec2-emulator/server.js';

let emulator: Ec2Emulator;
let fake: ImdsFake;
let instanceId: string;
let primary: { networkInterfaceId: string; mac: string };
let second: { networkInterfaceId: string; mac: string };
let subnet2: string;
let vpcId: string;

beforeAll(async () => {
  emulator = await createEc2Emulator({ region: 'eu-west-1' });
  const s = emulator.state;
  vpcId = s.addVpc('10.0.0.0/16');
  const subnet1 = s.addSubnet(vpcId, '10.0.1.0/24');
  subnet2 = s.addSubnet(vpcId, '10.0.2.0/24');
  const added = s.addInstance({ subnetId: subnet1, privateIp: '10.0.1.11' });
  instanceId = added.instanceId;
  primary = added;
  second = s.addNetworkInterface({
    subnetId: subnet2,
    privateIp: '10.0.2.11',
    secondaryIps: ['10.0.2.50'],
    instanceId,
  });
  fake = await createImdsFake({
    instanceId,
    region: 'eu-west-1',
    availabilityZone: 'eu-west-1a',
    interfaces: () => imdsInterfacesFor(s, instanceId),
  });
});
afterAll(async () => {
  await fake?.close();
  await emulator?.close();
});

const imds = () => new ImdsClient({ endpoint: fake.endpoint, timeoutMs: 300 });

describe('discoverIdentity', () => {
  it('finds the ENI behind the VRRP interface MAC (not the primary)', async () => {
    const identity = await discoverIdentity(imds(), { interfaceMac: second.mac.toUpperCase() });
    expect(identity).toEqual({
      instanceId,
      region: 'eu-west-1',
      availabilityZone: 'eu-west-1a',
      mac: second.mac,
      networkInterfaceId: second.networkInterfaceId,
      subnetId: subnet2,
      vpcId,
      localIpv4s: ['10.0.2.11', '10.0.2.50'],
    });
  });

  it('without a MAC, uses the primary interface', async () => {
    const identity = await discoverIdentity(imds());
    expect(identity.networkInterfaceId).toBe(primary.networkInterfaceId);
    expect(identity.mac).toBe(primary.mac);
  });

  it('config values win, and IMDS is not asked at all when the needed ones are given', async () => {
    const refusing: ImdsReader = {
      get: () => Promise.reject(new Error('IMDS must not be called')),
      getOptional: () => Promise.reject(new Error('IMDS must not be called')),
    };
    const overrides = {
      instanceId: 'i-0aaaaaaaaaaaaaaaa',
      region: 'us-west-2',
      networkInterfaceId: 'eni-0aaaaaaaaaaaaaaaa',
      subnetId: 'subnet-0aaaaaaaaaaaaaaaa',
    };
    const identity = await discoverIdentity(refusing, { overrides });
    expect(identity).toMatchObject({ ...overrides, vpcId: undefined, localIpv4s: [] });

    const mixed = await discoverIdentity(imds(), { overrides: { region: 'us-west-2' } });
    expect(mixed.region).toBe('us-west-2');
    expect(mixed.instanceId).toBe(instanceId);
  });

  it('a MAC that is not an ENI of this instance: IMDS_UNKNOWN_MAC naming the MAC', async () => {
    const error = await discoverIdentity(imds(), { interfaceMac: '02:00:00:00:00:99' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ reason: 'IMDS_UNKNOWN_MAC' });
    expect((error as Error).message).toContain('02:00:00:00:00:99');
  });

  it('rejects something that is not a MAC', () => {
    expect(() => normaliseMac('eth0')).toThrow(/not a MAC address/);
    expect(normaliseMac('0A-1B-2C-3D-4E-5F')).toBe('0a:1b:2c:3d:4e:5f');
  });
});

function capturingLogger() {
  const lines: { level: number; msg: string; attempt?: number; retryInMs?: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('discoverWithRetry', () => {
  it('logs one error per failed attempt with the next delay, and succeeds once IMDS is back', async () => {
    const { logger, lines } = capturingLogger();
    await fake.setDown(true);
    const sleeps: number[] = [];
    const timing = {
      random: () => 0.5,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        if (sleeps.length === 3) await fake.setDown(false);
      },
    };
    const identity = await discoverWithRetry(imds(), {
      logger,
      interfaceMac: second.mac,
      backoff: { baseMs: 500, maxMs: 30_000 },
      timing,
    });
    expect(identity?.networkInterfaceId).toBe(second.networkInterfaceId);
    expect(sleeps).toEqual([250, 500, 1_000]); // jittered (random 0.5) and doubling
    const errors = lines.filter((l) => l.level === 50);
    expect(errors.map((l) => l.attempt)).toEqual([1, 2, 3]);
    expect(errors[0]?.msg).toContain('PUT /latest/api/token');
    expect(errors[0]?.msg).toContain('next retry in 250 ms');
    expect(lines.at(-1)?.msg).toBe('cloud identity discovered');
  });

  it('never rejects: resolves undefined when aborted while IMDS is down', async () => {
    const { logger, lines } = capturingLogger();
    await fake.setDown(true);
    try {
      const controller = new AbortController();
      const pending = discoverWithRetry(imds(), {
        logger,
        signal: controller.signal,
        backoff: { baseMs: 20, maxMs: 40 },
      });
      setTimeout(() => controller.abort(), 100);
      expect(await pending).toBeUndefined();
      expect(lines.filter((l) => l.level === 50).length).toBeGreaterThanOrEqual(1);
    } finally {
      await fake.setDown(false);
    }
  });
});
