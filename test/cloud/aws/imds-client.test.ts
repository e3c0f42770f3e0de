// The IMDSv2 client against the emulator's IMDS fake over HTTP: token reuse, renewal before
// expiry, renewal on 401, errors when IMDS is down.
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImdsClient } from '../../../src/cloud/aws/imds-client.js';
import { probeInstanceMetadata } from '../../../src/cloud/aws/imds-probe.js';
import { ImdsError } from '../../../src/cloud/errors.js';
import { createImdsFake, type ImdsFake } from '../../../lab/ec2-emulator/imds-fake.js';
import pino from 'pino';

const INSTANCE = 'i-0123456789abcdef0';
const iface = {
  mac: '0a:00:00:00:00:01',
  networkInterfaceId: 'eni-0123456789abcdef0',
  subnetId: 'subnet-0123456789abcdef0',
  vpcId: 'vpc-0123456789abcdef0',
  localIpv4s: ['10.0.1.11', '10.0.1.50'],
  deviceNumber: 0,
};

let fakeNowMs = 1_000_000;
let fake: ImdsFake;
beforeAll(async () => {
  fake = await createImdsFake({
    instanceId: INSTANCE,
    region: 'eu-west-1',
    availabilityZone: 'eu-west-1a',
    interfaces: [iface],
    nowMs: () => fakeNowMs,
  });
});
afterAll(async () => {
  await fake?.close();
});

/** A client whose clock the test moves. */
function clientWithClock(ttlSeconds = 100) {
  const clock = { nowMs: 0 };
  const client = new ImdsClient({
    endpoint: fake.endpoint,
    tokenTtlSeconds: ttlSeconds,
    timeoutMs: 500,
    now: () => clock.nowMs,
  });
  return { client, clock };
}

describe('ImdsClient', () => {
  it('reads metadata with one token, reused by later and concurrent requests', async () => {
    const { client } = clientWithClock();
    const before = fake.tokensIssued;
    expect(await client.get('/latest/meta-data/instance-id')).toBe(INSTANCE);
    const [region, az] = await Promise.all([
      client.get('/latest/meta-data/placement/region'),
      client.get('/latest/meta-data/placement/availability-zone'),
    ]);
    expect([region, az]).toEqual(['eu-west-1', 'eu-west-1a']);
    expect(fake.tokensIssued - before).toBe(1);
  });

  it('concurrent first requests share a single token PUT', async () => {
    const { client } = clientWithClock();
    const before = fake.tokensIssued;
    await Promise.all([1, 2, 3].map(() => client.get('/latest/meta-data/mac')));
    expect(fake.tokensIssued - before).toBe(1);
  });

  it('renews the token at 80 % of its TTL, before IMDS would refuse it', async () => {
    const { client, clock } = clientWithClock(100);
    const before = fake.tokensIssued;
    await client.get('/latest/meta-data/instance-id');
    clock.nowMs += 79_000;
    await client.get('/latest/meta-data/instance-id');
    expect(fake.tokensIssued - before).toBe(1);
    clock.nowMs += 2_000; // 81 s of 100 s
    await client.get('/latest/meta-data/instance-id');
    expect(fake.tokensIssued - before).toBe(2);
  });

  it('a token IMDS expired early (401) is renewed once and the GET retried', async () => {
    const { client } = clientWithClock(100);
    const before = fake.tokensIssued;
    await client.get('/latest/meta-data/instance-id');
    fakeNowMs += 200_000; // IMDS's clock passes the TTL; ours does not
    const start = fake.requests.length;
    expect(await client.get('/latest/meta-data/instance-id')).toBe(INSTANCE);
    expect(fake.tokensIssued - before).toBe(2);
    expect(fake.requests.slice(start).map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 401',
      'PUT 200',
      'GET 200',
    ]);
  });

  it('404 is undefined from getOptional and IMDS_NOT_FOUND from get', async () => {
    const { client } = clientWithClock();
    expect(await client.getOptional('/latest/meta-data/nope')).toBeUndefined();
    await expect(client.get('/latest/meta-data/nope')).rejects.toMatchObject({
      reason: 'IMDS_NOT_FOUND',
    });
  });

  it('IMDS down: ImdsError IMDS_UNREACHABLE that says what was asked', async () => {
    const { client } = clientWithClock();
    await fake.setDown(true);
    try {
      const error = await client.get('/latest/meta-data/instance-id').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImdsError);
      expect(error).toMatchObject({ reason: 'IMDS_UNREACHABLE' });
      expect((error as Error).message).toContain('PUT /latest/api/token');
      expect((error as Error).message).toContain(fake.endpoint);
      expect(await probeInstanceMetadata(pino({ level: 'silent' }), fake.endpoint, 200)).toBe(
        false,
      );
    } finally {
      await fake.setDown(false);
    }
    expect(await client.get('/latest/meta-data/instance-id')).toBe(INSTANCE);
    expect(await probeInstanceMetadata(pino({ level: 'silent' }), fake.endpoint, 200)).toBe(true);
  });

  it('an IMDS that accepts but never answers: IMDS_TIMEOUT after timeoutMs', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const client = new ImdsClient({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 150 });
      const started = performance.now();
      await expect(client.token()).rejects.toMatchObject({ reason: 'IMDS_TIMEOUT' });
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('endpoint comes from FLOATD_IMDS_ENDPOINT when not given', () => {
    const saved = process.env.FLOATD_IMDS_ENDPOINT;
    process.env.FLOATD_IMDS_ENDPOINT = 'http://127.0.0.1:9';
    try {
      expect(new ImdsClient().endpoint).toBe('http://127.0.0.1:9');
      expect(new ImdsClient({ endpoint: fake.endpoint }).endpoint).toBe(fake.endpoint);
    } finally {
      if (saved === undefined) delete process.env.FLOATD_IMDS_ENDPOINT;
      else process.env.FLOATD_IMDS_ENDPOINT = saved;
    }
  });
});
