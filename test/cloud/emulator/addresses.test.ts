import {
  AssociateAddressCommand,
  AssignPrivateIpAddressesCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DisassociateAddressCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fixture } from './fixture.js';
import { expectEc2Error, startFixture } from './fixture.js';

let f: Fixture;
beforeEach(async () => {
  f = await startFixture();
  await f.client.send(
    new AssignPrivateIpAddressesCommand({
      NetworkInterfaceId: f.a.networkInterfaceId,
      PrivateIpAddresses: ['10.0.1.100'],
    }),
  );
});
afterEach(async () => {
  await f.close();
});

const associate = (eni: string, ip?: string, allow?: boolean) =>
  new AssociateAddressCommand({
    AllocationId: f.allocationId,
    NetworkInterfaceId: eni,
    ...(ip ? { PrivateIpAddress: ip } : {}),
    ...(allow === undefined ? {} : { AllowReassociation: allow }),
  });

describe('AssociateAddress', () => {
  it('associates and is described with every field', async () => {
    const out = await f.client.send(associate(f.a.networkInterfaceId, '10.0.1.100'));
    expect(out.AssociationId).toMatch(/^eipassoc-[0-9a-f]{17}$/);
    const described = await f.client.send(
      new DescribeAddressesCommand({ AllocationIds: [f.allocationId] }),
    );
    expect(described.Addresses).toEqual([
      {
        AllocationId: f.allocationId,
        AssociationId: out.AssociationId,
        Domain: 'vpc',
        InstanceId: f.a.instanceId,
        NetworkInterfaceId: f.a.networkInterfaceId,
        NetworkInterfaceOwnerId: '123456789012',
        PrivateIpAddress: '10.0.1.100',
        PublicIp: '203.0.113.50',
        PublicIpv4Pool: 'amazon',
        NetworkBorderGroup: 'us-east-1',
        Tags: [],
      },
    ]);
  });

  it('defaults to the primary address and shows as the instance public IP', async () => {
    await f.client.send(associate(f.b.networkInterfaceId));
    expect(f.emulator.state.eipAssociation(f.allocationId)?.privateIpAddress).toBe('10.0.1.11');
    const instances = await f.client.send(
      new DescribeInstancesCommand({ InstanceIds: [f.b.instanceId] }),
    );
    expect(instances.Reservations?.[0]?.Instances?.[0]?.PublicIpAddress).toBe('203.0.113.50');
  });

  it('refuses to move an associated EIP without AllowReassociation', async () => {
    const first = await f.client.send(associate(f.a.networkInterfaceId, '10.0.1.100'));
    const e = await expectEc2Error(
      f.client.send(associate(f.b.networkInterfaceId)),
      'Resource.AlreadyAssociated',
    );
    expect(e.message).toBe(
      `resource ${f.allocationId} is already associated with associate-id ${first.AssociationId}`,
    );
    expect(f.emulator.state.eipAssociation(f.allocationId)?.networkInterfaceId).toBe(
      f.a.networkInterfaceId,
    );
  });

  it('moves it with AllowReassociation, with a new association id each time', async () => {
    const first = await f.client.send(associate(f.a.networkInterfaceId, '10.0.1.100'));
    const moved = await f.client.send(associate(f.b.networkInterfaceId, undefined, true));
    expect(moved.AssociationId).not.toBe(first.AssociationId);
    expect(f.emulator.state.eipAssociation(f.allocationId)).toMatchObject({
      associationId: moved.AssociationId,
      networkInterfaceId: f.b.networkInterfaceId,
      instanceId: f.b.instanceId,
    });
    // The same target again is not a move: no error, still a new id.
    const again = await f.client.send(associate(f.b.networkInterfaceId));
    expect(again.AssociationId).not.toBe(moved.AssociationId);
    await expectEc2Error(
      f.client.send(new DisassociateAddressCommand({ AssociationId: first.AssociationId })),
      'InvalidAssociationID.NotFound',
    );
  });

  it('rejects a private IP not on the ENI, unknown ids and both targets', async () => {
    await expectEc2Error(
      f.client.send(associate(f.b.networkInterfaceId, '10.0.1.100')),
      'InvalidParameterValue',
    );
    await expectEc2Error(
      f.client.send(
        new AssociateAddressCommand({
          AllocationId: 'eipalloc-0123456789abcdef0',
          NetworkInterfaceId: f.a.networkInterfaceId,
        }),
      ),
      'InvalidAllocationID.NotFound',
    );
    await expectEc2Error(
      f.client.send(associate('eni-0123456789abcdef0')),
      'InvalidNetworkInterfaceID.NotFound',
    );
    await expectEc2Error(
      f.client.send(
        new AssociateAddressCommand({
          AllocationId: f.allocationId,
          NetworkInterfaceId: f.a.networkInterfaceId,
          InstanceId: f.a.instanceId,
        }),
      ),
      'InvalidParameterCombination',
    );
    expect(f.emulator.state.eipAssociation(f.allocationId)).toBeUndefined();
  });

  it('takes an InstanceId (its only ENI)', async () => {
    await f.client.send(
      new AssociateAddressCommand({ AllocationId: f.allocationId, InstanceId: f.a.instanceId }),
    );
    expect(f.emulator.state.eipAssociation(f.allocationId)?.networkInterfaceId).toBe(
      f.a.networkInterfaceId,
    );
  });
});

describe('DisassociateAddress', () => {
  it('disassociates by association id', async () => {
    const { AssociationId } = await f.client.send(associate(f.a.networkInterfaceId));
    await f.client.send(new DisassociateAddressCommand({ AssociationId }));
    expect(f.emulator.state.eipAssociation(f.allocationId)).toBeUndefined();
    const described = await f.client.send(new DescribeAddressesCommand({}));
    expect(described.Addresses?.[0]?.AssociationId).toBeUndefined();
  });

  it('answers InvalidAssociationID.NotFound for an unknown id', async () => {
    const e = await expectEc2Error(
      f.client.send(
        new DisassociateAddressCommand({ AssociationId: 'eipassoc-0123456789abcdef0' }),
      ),
      'InvalidAssociationID.NotFound',
    );
    expect(e.message).toBe("The association ID 'eipassoc-0123456789abcdef0' does not exist");
  });
});

describe('DescribeAddresses', () => {
  it('filters by allocation-id, public-ip and network-interface-id', async () => {
    const other = f.emulator.state.addElasticIp('203.0.113.60');
    await f.client.send(associate(f.a.networkInterfaceId));
    const byIp = await f.client.send(
      new DescribeAddressesCommand({ Filters: [{ Name: 'public-ip', Values: ['203.0.113.60'] }] }),
    );
    expect(byIp.Addresses?.map((a) => a.AllocationId)).toEqual([other]);
    const byEni = await f.client.send(
      new DescribeAddressesCommand({
        Filters: [{ Name: 'network-interface-id', Values: [f.a.networkInterfaceId] }],
      }),
    );
    expect(byEni.Addresses?.map((a) => a.AllocationId)).toEqual([f.allocationId]);
    const byAllocation = await f.client.send(
      new DescribeAddressesCommand({ Filters: [{ Name: 'allocation-id', Values: [other] }] }),
    );
    expect(byAllocation.Addresses?.map((a) => a.PublicIp)).toEqual(['203.0.113.60']);
    const byPublicIps = await f.client.send(
      new DescribeAddressesCommand({ PublicIps: ['203.0.113.50'] }),
    );
    expect(byPublicIps.Addresses?.map((a) => a.AllocationId)).toEqual([f.allocationId]);
  });

  it('answers NotFound codes for unknown allocation ids and public IPs', async () => {
    await expectEc2Error(
      f.client.send(
        new DescribeAddressesCommand({ AllocationIds: ['eipalloc-0123456789abcdef0'] }),
      ),
      'InvalidAllocationID.NotFound',
    );
    await expectEc2Error(
      f.client.send(new DescribeAddressesCommand({ PublicIps: ['198.51.100.1'] })),
      'InvalidAddress.NotFound',
    );
  });
});
