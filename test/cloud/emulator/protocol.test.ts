import {
  AssignPrivateIpAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTagsCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEc2Emulator } from '../../../lab/ec2-emulator/index.js';
import type { Fixture } from './fixture.js';
import { accessKeyId, clientFor, expectEc2Error, startFixture } from './fixture.js';

let f: Fixture;
beforeEach(async () => {
  f = await startFixture();
});
afterEach(async () => {
  await f.close();
});

describe('the Query protocol, as the SDK speaks it', () => {
  it('records each request with the parameters the SDK serialised', async () => {
    const beforeMs = Date.now();
    await f.client.send(
      new AssignPrivateIpAddressesCommand({
        NetworkInterfaceId: f.a.networkInterfaceId,
        PrivateIpAddresses: ['10.0.1.100', '10.0.1.101'],
        AllowReassignment: true,
      }),
    );
    await f.client.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [{ Name: 'addresses.private-ip-address', Values: ['10.0.1.100', '10.0.1.101'] }],
      }),
    );
    const [assign, describeCall] = f.emulator.requests;
    expect(assign?.params).toEqual({
      Action: 'AssignPrivateIpAddresses',
      Version: '2016-11-15',
      NetworkInterfaceId: f.a.networkInterfaceId,
      'PrivateIpAddress.1': '10.0.1.100',
      'PrivateIpAddress.2': '10.0.1.101',
      AllowReassignment: 'true',
    });
    expect(describeCall?.params).toMatchObject({
      'Filter.1.Name': 'addresses.private-ip-address',
      'Filter.1.Value.1': '10.0.1.100',
      'Filter.1.Value.2': '10.0.1.101',
    });
    expect(assign).toMatchObject({
      action: 'AssignPrivateIpAddresses',
      status: 200,
      accessKeyId,
      remoteAddress: '127.0.0.1',
      delayMs: 0,
    });
    expect(assign?.atMs).toBeGreaterThanOrEqual(beforeMs - 1);
    expect(assign?.atMs).toBeLessThanOrEqual(Date.now() + 1);
    expect(Number.isInteger(assign?.atMs)).toBe(false);
    f.emulator.clearRequests();
    expect(f.emulator.requests).toHaveLength(0);
  });

  it('answers an unknown access key with AuthFailure (401)', async () => {
    const stranger = clientFor(f.emulator.endpoint, { accessKeyId: 'AKIASTRANGER00000000' });
    const e = await expectEc2Error(stranger.send(new DescribeTagsCommand({})), 'AuthFailure', 401);
    expect(e.message).toBe('AWS was not able to validate the provided access credentials');
    expect(f.emulator.requests.at(-1)).toMatchObject({
      status: 401,
      errorCode: 'AuthFailure',
      accessKeyId: 'AKIASTRANGER00000000',
    });
    stranger.destroy();
  });

  it('verifies SigV4: a wrong secret is SignatureDoesNotMatch (403)', async () => {
    const wrong = clientFor(f.emulator.endpoint, { secretAccessKey: 'not-the-secret' });
    await expectEc2Error(wrong.send(new DescribeTagsCommand({})), 'SignatureDoesNotMatch', 403);
    wrong.destroy();
  });

  it('answers a request without credentials with MissingAuthenticationToken', async () => {
    const res = await fetch(f.emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeTags&Version=2016-11-15',
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});

describe('without configured credentials', () => {
  it('accepts any key, and answers an unknown action with InvalidAction', async () => {
    const emulator = await createEc2Emulator();
    try {
      const anyone = clientFor(emulator.endpoint, { accessKeyId: 'ANY', secretAccessKey: 'x' });
      const out = await anyone.send(new DescribeTagsCommand({}));
      expect(out.Tags).toEqual([]);
      anyone.destroy();
      const res = await fetch(emulator.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=LaunchRockets&Version=2016-11-15',
      });
      expect(res.status).toBe(400);
      const body = await res.text();
      expect(body).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>InvalidAction<\/Code><Message>The action LaunchRockets is not valid for this web service.<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
      );
      expect(body).toContain(`<RequestID>${res.headers.get('x-amzn-requestid') ?? ''}</RequestID>`);
    } finally {
      await emulator.close();
    }
  });
});

describe('seeded ids', () => {
  it('are the same for the same seed and differ for another', async () => {
    const build = async (seed: number) => {
      const emulator = await createEc2Emulator({ seed });
      const vpc = emulator.state.addVpc('10.0.0.0/16');
      const subnet = emulator.state.addSubnet(vpc, '10.0.1.0/24');
      const instance = emulator.state.addInstance({ subnetId: subnet, privateIp: '10.0.1.10' });
      await emulator.close();
      return [vpc, subnet, instance.instanceId, instance.networkInterfaceId, instance.mac];
    };
    const first = await build(42);
    expect(await build(42)).toEqual(first);
    expect(await build(43)).not.toEqual(first);
  });
});
