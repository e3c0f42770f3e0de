// Prepared claims through the real SDK against the emulator: signing sends nothing; the prepared
// request moves the target when sent; a refusal comes back as the SDK's error would (so a
// missing route still falls back to CreateRoute); a request is used once, and never once stale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsProvider } from '../../../src/cloud/aws/aws-provider.js';
import { assignCommand } from '../../../src/cloud/aws/claims.js';
import { rehearse } from '../../../src/cloud/aws/rehearse.js';
import { createEc2Client } from '../../../src/cloud/aws/ec2-client.js';
import { PREPARED_MAX_AGE_MS, PreparedRequests } from '../../../src/cloud/aws/prepared-requests.js';
import {
  ACCESS_KEY_ID,
  createFixture,
  ROUTED_CIDR,
  SECRET_ACCESS_KEY,
  VIP,
  type Fixture,
} from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await createFixture();
});
afterAll(async () => {
  await f?.close();
});

function preparedProvider(host: 'a' | 'b'): AwsProvider {
  const h = f[host];
  return new AwsProvider({
    client: f.client(),
    identity: {
      instanceId: h.instanceId,
      networkInterfaceId: h.networkInterfaceId,
      subnetId: f.subnetId,
      region: 'eu-west-1',
    },
    callTimeoutMs: 2000,
    prepareClaims: true,
  });
}

describe('prepared claims', () => {
  it('preparing sends nothing; the claim then goes out as the prepared request and moves the VIP', async () => {
    const a = preparedProvider('a');
    const before = f.emulator.requests.length;
    await a.prepareClaims([f.secondaryIp, f.eipFor(f.a), f.route]);
    expect(f.emulator.requests.length).toBe(before);

    await a.claim(f.secondaryIp);
    const sent = f.emulator.requests.slice(before);
    expect(sent.map((r) => [r.action, r.status])).toEqual([['AssignPrivateIpAddresses', 200]]);
    expect(f.emulator.state.eniOf(VIP)).toBe(f.a.networkInterfaceId);

    await a.claim(f.eipFor(f.a));
    expect(f.emulator.state.eipAssociation(f.allocationId)?.networkInterfaceId).toBe(
      f.a.networkInterfaceId,
    );
  });

  it('a refused prepared request fails like the SDK: a missing route still falls back to CreateRoute', async () => {
    const a = preparedProvider('a');
    const rtb2 = f.routeTableIds[1];
    expect(f.emulator.state.route(rtb2, ROUTED_CIDR)).toBeUndefined();
    await a.prepareClaims([f.route]);
    const before = f.emulator.requests.length;
    await a.claim(f.route);
    const sent = f.emulator.requests
      .slice(before)
      .map((r) => [r.action, r.params.RouteTableId, r.status]);
    expect(sent).toContainEqual(['ReplaceRoute', rtb2, 400]);
    expect(sent).toContainEqual(['CreateRoute', rtb2, 200]);
    for (const rtb of f.routeTableIds) {
      expect(f.emulator.state.route(rtb, ROUTED_CIDR)?.networkInterfaceId).toBe(
        f.a.networkInterfaceId,
      );
    }
  });

  it('is used once, and not when its signature has aged', async () => {
    let nowMs = 0;
    const client = createEc2Client({
      region: 'eu-west-1',
      endpoint: f.emulator.endpoint,
      callTimeoutMs: 2000,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    });
    const prepared = new PreparedRequests(client, () => nowMs);
    const identity = {
      instanceId: f.b.instanceId,
      networkInterfaceId: f.b.networkInterfaceId,
      subnetId: f.subnetId,
      region: 'eu-west-1',
    };
    await prepared.prepare(assignCommand(identity, f.secondaryIp));
    expect(prepared.take(assignCommand(identity, f.secondaryIp))).toBeDefined();
    expect(prepared.take(assignCommand(identity, f.secondaryIp))).toBeUndefined();
    await prepared.prepare(assignCommand(identity, f.secondaryIp));
    nowMs = PREPARED_MAX_AGE_MS;
    expect(prepared.take(assignCommand(identity, f.secondaryIp))).toBeUndefined();
    client.destroy();
  });

  it('a rehearsal of every takeover call (as a BACKUP does each 30 s) sends no request', async () => {
    const before = f.emulator.requests.length;
    const owners = [f.emulator.state.eniOf(VIP), f.emulator.state.eipAssociation(f.allocationId)];
    await rehearse(
      f.client(),
      {
        instanceId: f.b.instanceId,
        networkInterfaceId: f.b.networkInterfaceId,
        subnetId: f.subnetId,
        region: 'eu-west-1',
      },
      [f.secondaryIp, f.eipFor(f.b), f.route],
      3,
    );
    expect(f.emulator.requests.length).toBe(before);
    expect([f.emulator.state.eniOf(VIP), f.emulator.state.eipAssociation(f.allocationId)]).toEqual(
      owners,
    );
  });
});
