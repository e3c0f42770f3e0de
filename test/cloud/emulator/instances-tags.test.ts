import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTagsCommand,
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

describe('DescribeInstances', () => {
  it('describes a running instance with its ENI', async () => {
    const out = await f.client.send(
      new DescribeInstancesCommand({ InstanceIds: [f.a.instanceId] }),
    );
    expect(out.Reservations).toHaveLength(1);
    const instance = out.Reservations?.[0]?.Instances?.[0];
    expect(instance).toMatchObject({
      InstanceId: f.a.instanceId,
      State: { Code: 16, Name: 'running' },
      SubnetId: f.subnetId,
      VpcId: f.vpcId,
      PrivateIpAddress: '10.0.1.10',
      Placement: { AvailabilityZone: 'us-east-1a' },
      Tags: [{ Key: 'Name', Value: 'a' }],
      SourceDestCheck: true,
    });
    expect(instance?.LaunchTime).toBeInstanceOf(Date);
    expect(instance?.NetworkInterfaces).toMatchObject([
      {
        NetworkInterfaceId: f.a.networkInterfaceId,
        MacAddress: f.a.mac,
        Attachment: { DeviceIndex: 0, Status: 'attached' },
        PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10', Primary: true }],
      },
    ]);
  });

  it('lists all, filters by instance-id and answers NotFound/Malformed', async () => {
    const all = await f.client.send(new DescribeInstancesCommand({}));
    expect(all.Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId))).toEqual([
      f.a.instanceId,
      f.b.instanceId,
    ]);
    const filtered = await f.client.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'instance-id', Values: [f.b.instanceId] }],
      }),
    );
    expect(filtered.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(f.b.instanceId);
    const e = await expectEc2Error(
      f.client.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
      'InvalidInstanceID.NotFound',
    );
    expect(e.message).toBe("The instance ID 'i-0123456789abcdef0' does not exist");
    await expectEc2Error(
      f.client.send(new DescribeInstancesCommand({ InstanceIds: ['i-x'] })),
      'InvalidInstanceID.Malformed',
    );
  });
});

describe('CreateTags / DescribeTags', () => {
  it('tags any resource, overwriting values, and describes them', async () => {
    const resources = [f.a.networkInterfaceId, f.routeTableId, f.allocationId, f.subnetId];
    await f.client.send(
      new CreateTagsCommand({
        Resources: resources,
        Tags: [
          { Key: 'floatd:vip', Value: '10.0.1.100' },
          { Key: 'owner', Value: 'a' },
        ],
      }),
    );
    await f.client.send(
      new CreateTagsCommand({
        Resources: [f.a.networkInterfaceId],
        Tags: [{ Key: 'owner', Value: 'b' }],
      }),
    );
    expect(f.emulator.state.tagsOf(f.a.networkInterfaceId)).toEqual({
      'floatd:vip': '10.0.1.100',
      owner: 'b',
    });
    expect(f.emulator.state.tagsOf(f.routeTableId)).toEqual({
      'floatd:vip': '10.0.1.100',
      owner: 'a',
    });
    const eniTags = await f.client.send(
      new DescribeTagsCommand({
        Filters: [{ Name: 'resource-id', Values: [f.a.networkInterfaceId] }],
      }),
    );
    expect(eniTags.Tags).toEqual([
      {
        ResourceId: f.a.networkInterfaceId,
        ResourceType: 'network-interface',
        Key: 'floatd:vip',
        Value: '10.0.1.100',
      },
      {
        ResourceId: f.a.networkInterfaceId,
        ResourceType: 'network-interface',
        Key: 'owner',
        Value: 'b',
      },
    ]);
    const byType = await f.client.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: 'resource-type', Values: ['elastic-ip', 'subnet'] },
          { Name: 'key', Values: ['owner'] },
        ],
      }),
    );
    expect(byType.Tags?.map((t) => [t.ResourceId, t.Value])).toEqual([
      [f.allocationId, 'a'],
      [f.subnetId, 'a'],
    ]);
    const tagged = await f.client.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'tag:owner', Values: ['b'] }] }),
    );
    expect(tagged.NetworkInterfaces?.map((e) => e.NetworkInterfaceId)).toEqual([
      f.a.networkInterfaceId,
    ]);
  });

  it('rejects unknown resources (nothing applied) and reserved keys', async () => {
    await expectEc2Error(
      f.client.send(
        new CreateTagsCommand({
          Resources: [f.a.networkInterfaceId, 'eni-0123456789abcdef0'],
          Tags: [{ Key: 'k', Value: 'v' }],
        }),
      ),
      'InvalidNetworkInterfaceID.NotFound',
    );
    expect(f.emulator.state.tagsOf(f.a.networkInterfaceId)).toEqual({});
    await expectEc2Error(
      f.client.send(
        new CreateTagsCommand({
          Resources: ['sg-0123456789abcdef0'],
          Tags: [{ Key: 'k', Value: 'v' }],
        }),
      ),
      'InvalidID',
    );
    await expectEc2Error(
      f.client.send(
        new CreateTagsCommand({
          Resources: [f.routeTableId],
          Tags: [{ Key: 'aws:x', Value: 'v' }],
        }),
      ),
      'InvalidParameterValue',
    );
  });
});
