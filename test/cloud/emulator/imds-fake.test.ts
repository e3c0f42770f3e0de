import { AssignPrivateIpAddressesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImdsFake } from '../../../lab/ec2-emulator/index.js';
import { createImdsFake, imdsInterfacesFor } from '../../../lab/ec2-emulator/index.js';
import type { Fixture } from './fixture.js';
import { startFixture } from './fixture.js';

let imds: ImdsFake | undefined;
let f: Fixture | undefined;
afterEach(async () => {
  await imds?.close();
  await f?.close();
  imds = undefined;
  f = undefined;
});

const iface = {
  mac: '0a:11:22:33:44:55',
  networkInterfaceId: 'eni-0123456789abcdef0',
  subnetId: 'subnet-0123456789abcdef0',
  vpcId: 'vpc-0123456789abcdef0',
  localIpv4s: ['10.0.1.10', '10.0.1.100'],
  deviceNumber: 0,
};
const second = {
  ...iface,
  mac: '0a:66:77:88:99:aa',
  networkInterfaceId: 'eni-1123456789abcdef0',
  localIpv4s: ['10.0.1.20'],
  deviceNumber: 1,
};

async function start(options: { nowMs?: () => number; tokenTtlMaxS?: number } = {}) {
  imds = await createImdsFake({
    instanceId: 'i-0123456789abcdef0',
    region: 'eu-west-1',
    availabilityZone: 'eu-west-1b',
    interfaces: [second, iface],
    ...options,
  });
  return imds;
}

async function token(fake: ImdsFake, ttlS = 60, headers: Record<string, string> = {}) {
  return fetch(`${fake.endpoint}/latest/api/token`, {
    method: 'PUT',
    headers: { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttlS), ...headers },
  });
}

async function get(fake: ImdsFake, path: string, tok?: string) {
  const res = await fetch(`${fake.endpoint}/latest/${path}`, {
    headers: tok === undefined ? {} : { 'x-aws-ec2-metadata-token': tok },
  });
  return { status: res.status, body: await res.text() };
}

describe('IMDSv2 fake', () => {
  it('issues a token and serves metadata with it', async () => {
    const fake = await start();
    const res = await token(fake, 60);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-aws-ec2-metadata-token-ttl-seconds')).toBe('60');
    const tok = await res.text();
    expect(tok.length).toBeGreaterThan(20);
    expect(fake.tokensIssued).toBe(1);
    const expected: Record<string, string> = {
      'meta-data/instance-id': 'i-0123456789abcdef0',
      'meta-data/placement/region': 'eu-west-1',
      'meta-data/placement/availability-zone': 'eu-west-1b',
      'meta-data/mac': iface.mac,
      'meta-data/local-ipv4': '10.0.1.10',
      'meta-data/network/interfaces/macs/': `${iface.mac}/\n${second.mac}/`,
      [`meta-data/network/interfaces/macs/${iface.mac}/interface-id`]: iface.networkInterfaceId,
      [`meta-data/network/interfaces/macs/${iface.mac}/subnet-id`]: iface.subnetId,
      [`meta-data/network/interfaces/macs/${iface.mac}/vpc-id`]: iface.vpcId,
      [`meta-data/network/interfaces/macs/${iface.mac}/local-ipv4s`]: '10.0.1.10\n10.0.1.100',
      [`meta-data/network/interfaces/macs/${second.mac}/device-number`]: '1',
    };
    for (const [path, body] of Object.entries(expected)) {
      expect(await get(fake, path, tok), path).toEqual({ status: 200, body });
    }
    const doc = await get(fake, 'dynamic/instance-identity/document', tok);
    expect(JSON.parse(doc.body)).toMatchObject({
      instanceId: 'i-0123456789abcdef0',
      region: 'eu-west-1',
      availabilityZone: 'eu-west-1b',
      privateIp: '10.0.1.10',
    });
    expect((await get(fake, 'meta-data/nothing-here', tok)).status).toBe(404);
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/latest/meta-data/nothing-here',
      status: 404,
    });
  });

  it('refuses bad token requests: no or out-of-range TTL (400), X-Forwarded-For (403)', async () => {
    const fake = await start();
    const noTtl = await fetch(`${fake.endpoint}/latest/api/token`, { method: 'PUT' });
    expect(noTtl.status).toBe(400);
    expect((await token(fake, 0)).status).toBe(400);
    expect((await token(fake, 21601)).status).toBe(400);
    expect((await token(fake, 21600)).status).toBe(200);
    expect((await token(fake, 60, { 'x-forwarded-for': '192.0.2.1' })).status).toBe(403);
    expect(fake.tokensIssued).toBe(1);
  });

  it('answers 401 without a token, with a wrong one, and once it expired', async () => {
    let nowMs = 5_000_000;
    const fake = await start({ nowMs: () => nowMs });
    expect((await get(fake, 'meta-data/instance-id')).status).toBe(401);
    expect((await get(fake, 'meta-data/instance-id', 'not-a-token')).status).toBe(401);
    const tok = await (await token(fake, 10)).text();
    nowMs += 9_999;
    expect((await get(fake, 'meta-data/instance-id', tok)).status).toBe(200);
    nowMs += 2;
    expect((await get(fake, 'meta-data/instance-id', tok)).status).toBe(401);
  });

  it('caps token lifetime at tokenTtlMaxS', async () => {
    let nowMs = 0;
    const fake = await start({ nowMs: () => nowMs, tokenTtlMaxS: 1 });
    const res = await token(fake, 21600);
    expect(res.headers.get('x-aws-ec2-metadata-token-ttl-seconds')).toBe('1');
    const tok = await res.text();
    nowMs += 1_001;
    expect((await get(fake, 'meta-data/instance-id', tok)).status).toBe(401);
  });

  it('goes down (connection refused) and comes back on the same port', async () => {
    const fake = await start();
    const tok = await (await token(fake)).text();
    await fake.setDown(true);
    expect(fake.down).toBe(true);
    const refused = await fetch(`${fake.endpoint}/latest/meta-data/instance-id`).then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: { code?: string } },
    );
    expect(refused?.cause?.code).toBe('ECONNREFUSED');
    await fake.setDown(false);
    expect(await get(fake, 'meta-data/instance-id', tok)).toEqual({
      status: 200,
      body: 'i-0123456789abcdef0',
    });
  });

  it('follows the EC2 emulator state through imdsInterfacesFor', async () => {
    f = await startFixture();
    const fx = f;
    imds = await createImdsFake({
      instanceId: fx.a.instanceId,
      region: 'us-east-1',
      availabilityZone: 'us-east-1a',
      interfaces: () => imdsInterfacesFor(fx.emulator.state, fx.a.instanceId),
    });
    const tok = await (await token(imds)).text();
    const ipsPath = `meta-data/network/interfaces/macs/${fx.a.mac}/local-ipv4s`;
    expect((await get(imds, ipsPath, tok)).body).toBe('10.0.1.10');
    await fx.client.send(
      new AssignPrivateIpAddressesCommand({
        NetworkInterfaceId: fx.a.networkInterfaceId,
        PrivateIpAddresses: ['10.0.1.100'],
      }),
    );
    expect((await get(imds, ipsPath, tok)).body).toBe('10.0.1.10\n10.0.1.100');
    expect(
      (await get(imds, `meta-data/network/interfaces/macs/${fx.a.mac}/interface-id`, tok)).body,
    ).toBe(fx.a.networkInterfaceId);
  });
});
