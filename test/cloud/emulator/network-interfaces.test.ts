import {
  DescribeNetworkInterfaceAttributeCommand,
  DescribeNetworkInterfacesCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fixture } from './fixture.js';
import { expectEc2Error, startFixture } from './fixture.js';

let f: Fixture;
beforeEach(async () => {
  f = await startFixture();
});
afterEach(async () => {
  await f.close();
});

describe('DescribeNetworkInterfaces', () => {
  it('returns every field floatd reads, through the SDK', async () => {
    const out = await f.client.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [f.a.networkInterfaceId] }),
    );
    expect(out.NetworkInterfaces).toHaveLength(1);
    const eni = out.NetworkInterfaces?.[0];
    expect(eni).toMatchObject({
      NetworkInterfaceId: f.a.networkInterfaceId,
      MacAddress: f.a.mac,
      SubnetId: f.subnetId,
      VpcId: f.vpcId,
      AvailabilityZone: 'us-east-1a',
      PrivateIpAddress: '10.0.1.10',
      SourceDestCheck: true,
      Status: 'in-use',
      InterfaceType: 'interface',
      Attachment: { InstanceId: f.a.instanceId, DeviceIndex: 0, Status: 'attached' },
      PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10', Primary: true }],
      TagSet: [],
    });
    expect(eni?.Attachment?.AttachTime).toBeInstanceOf(Date);
    expect(f.a.networkInterfaceId).toMatch(/^eni-[0-9a-f]{17}$/);
    expect(f.a.mac).toMatch(/^0a(:[0-9a-f]{2}){5}$/);
  });

  it('reports the EIP association on the address it is associated with', async () => {
    f.emulator.state.associateElasticIp(f.allocationId, f.a.networkInterfaceId);
    const out = await f.client.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [f.a.networkInterfaceId] }),
    );
    const eni = out.NetworkInterfaces?.[0];
    expect(eni?.Association).toMatchObject({
      AllocationId: f.allocationId,
      PublicIp: '203.0.113.50',
    });
    expect(eni?.PrivateIpAddresses?.[0]?.Association?.PublicIp).toBe('203.0.113.50');
  });

  it.each([
    ['addresses.private-ip-address', '10.0.1.11', 'b'],
    ['private-ip-address', '10.0.1.10', 'a'],
    ['attachment.instance-id', 'b-instance', 'b'],
    ['network-interface-id', 'a-eni', 'a'],
  ] as const)('filters by %s', async (name, value, expected) => {
    const resolved =
      value === 'b-instance' ? f.b.instanceId : value === 'a-eni' ? f.a.networkInterfaceId : value;
    const out = await f.client.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: name, Values: [resolved] }] }),
    );
    expect(out.NetworkInterfaces?.map((e) => e.NetworkInterfaceId)).toEqual([
      f[expected].networkInterfaceId,
    ]);
  });

  it('ANDs filters, ORs values and supports wildcards', async () => {
    const both = await f.client.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [
          { Name: 'subnet-id', Values: [f.subnetId] },
          { Name: 'addresses.private-ip-address', Values: ['10.0.1.10', '10.0.1.11'] },
        ],
      }),
    );
    expect(both.NetworkInterfaces).toHaveLength(2);
    const wildcard = await f.client.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [{ Name: 'private-ip-address', Values: ['10.0.1.1?'] }],
      }),
    );
    expect(wildcard.NetworkInterfaces).toHaveLength(2);
    const none = await f.client.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [
          { Name: 'subnet-id', Values: [f.subnetId] },
          { Name: 'private-ip-address', Values: ['10.0.1.99'] },
        ],
      }),
    );
    expect(none.NetworkInterfaces).toEqual([]);
  });

  it('answers NotFound, Malformed and unknown filters with EC2 codes', async () => {
    const e = await expectEc2Error(
      f.client.send(
        new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-0123456789abcdef0'] }),
      ),
      'InvalidNetworkInterfaceID.NotFound',
    );
    expect(e.message).toBe("The networkInterface ID 'eni-0123456789abcdef0' does not exist");
    await expectEc2Error(
      f.client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-nope'] })),
      'InvalidNetworkInterfaceID.Malformed',
    );
    await expectEc2Error(
      f.client.send(
        new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] }),
      ),
      'InvalidParameterValue',
    );
  });
});

describe('source/destination check attribute', () => {
  it('is described, modified and read back', async () => {
    const id = f.a.networkInterfaceId;
    const before = await f.client.send(
      new DescribeNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: id,
        Attribute: 'sourceDestCheck',
      }),
    );
    expect(before.SourceDestCheck?.Value).toBe(true);
    expect(before.NetworkInterfaceId).toBe(id);
    await f.client.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: id,
        SourceDestCheck: { Value: false },
      }),
    );
    expect(f.emulator.state.sourceDestCheck(id)).toBe(false);
    const after = await f.client.send(
      new DescribeNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: id,
        Attribute: 'sourceDestCheck',
      }),
    );
    expect(after.SourceDestCheck?.Value).toBe(false);
    const listed = await f.client.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }),
    );
    expect(listed.NetworkInterfaces?.[0]?.SourceDestCheck).toBe(false);
  });

  it('answers the description and attachment attributes too', async () => {
    const id = f.b.networkInterfaceId;
    const attachment = await f.client.send(
      new DescribeNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: id,
        Attribute: 'attachment',
      }),
    );
    expect(attachment.Attachment?.InstanceId).toBe(f.b.instanceId);
    await f.client.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: id,
        Description: { Value: 'vip' },
      }),
    );
    const description = await f.client.send(
      new DescribeNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: id,
        Attribute: 'description',
      }),
    );
    expect(description.Description?.Value).toBe('vip');
  });

  it('rejects unknown ENIs and no or several attributes', async () => {
    await expectEc2Error(
      f.client.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: 'eni-0123456789abcdef0',
          SourceDestCheck: { Value: false },
        }),
      ),
      'InvalidNetworkInterfaceID.NotFound',
    );
    await expectEc2Error(
      f.client.send(
        new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: f.a.networkInterfaceId }),
      ),
      'InvalidParameterCombination',
    );
    await expectEc2Error(
      f.client.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: f.a.networkInterfaceId,
          SourceDestCheck: { Value: false },
          Description: { Value: 'x' },
        }),
      ),
      'InvalidParameterCombination',
    );
    expect(f.emulator.state.sourceDestCheck(f.a.networkInterfaceId)).toBe(true);
    await expectEc2Error(
      f.client.send(
        new DescribeNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: f.a.networkInterfaceId,
          Attribute: 'colour' as never,
        }),
      ),
      'InvalidParameterValue',
    );
  });
});
