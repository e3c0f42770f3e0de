import {
  AssignPrivateIpAddressesCommand,
  DescribeNetworkInterfacesCommand,
  UnassignPrivateIpAddressesCommand,
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

const assign = (eni: string, ips: string[], allow?: boolean) =>
  new AssignPrivateIpAddressesCommand({
    NetworkInterfaceId: eni,
    PrivateIpAddresses: ips,
    ...(allow === undefined ? {} : { AllowReassignment: allow }),
  });

describe('AssignPrivateIpAddresses', () => {
  it('adds a secondary address and says which', async () => {
    const out = await f.client.send(assign(f.a.networkInterfaceId, ['10.0.1.100']));
    expect(out.NetworkInterfaceId).toBe(f.a.networkInterfaceId);
    expect(out.AssignedPrivateIpAddresses).toEqual([{ PrivateIpAddress: '10.0.1.100' }]);
    expect(f.emulator.state.eniOf('10.0.1.100')).toBe(f.a.networkInterfaceId);
    const listed = await f.client.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [f.a.networkInterfaceId] }),
    );
    expect(listed.NetworkInterfaces?.[0]?.PrivateIpAddresses).toMatchObject([
      { PrivateIpAddress: '10.0.1.10', Primary: true },
      { PrivateIpAddress: '10.0.1.100', Primary: false },
    ]);
  });

  it('picks free addresses for SecondaryPrivateIpAddressCount', async () => {
    const out = await f.client.send(
      new AssignPrivateIpAddressesCommand({
        NetworkInterfaceId: f.b.networkInterfaceId,
        SecondaryPrivateIpAddressCount: 2,
      }),
    );
    // .0-.3 are reserved, .10 and .11 are taken.
    expect(out.AssignedPrivateIpAddresses?.map((a) => a.PrivateIpAddress)).toEqual([
      '10.0.1.4',
      '10.0.1.5',
    ]);
  });

  it('refuses an address in use elsewhere without AllowReassignment', async () => {
    await f.client.send(assign(f.a.networkInterfaceId, ['10.0.1.100']));
    const e = await expectEc2Error(
      f.client.send(assign(f.b.networkInterfaceId, ['10.0.1.100', '10.0.1.101'])),
      'InvalidParameterValue',
    );
    expect(e.message).toBe('[10.0.1.100] assigned, but move is not allowed.');
    // Nothing of the failed call applied (10.0.1.101 was not added either).
    expect(f.emulator.state.eniOf('10.0.1.100')).toBe(f.a.networkInterfaceId);
    expect(f.emulator.state.eniOf('10.0.1.101')).toBeUndefined();
  });

  it('moves the address, and the EIP associated with it, with AllowReassignment', async () => {
    await f.client.send(assign(f.a.networkInterfaceId, ['10.0.1.100']));
    const associationId = f.emulator.state.associateElasticIp(
      f.allocationId,
      f.a.networkInterfaceId,
      '10.0.1.100',
    );
    await f.client.send(assign(f.b.networkInterfaceId, ['10.0.1.100'], true));
    expect(f.emulator.state.eniOf('10.0.1.100')).toBe(f.b.networkInterfaceId);
    expect(f.emulator.state.privateIpsOf(f.a.networkInterfaceId)).toEqual(['10.0.1.10']);
    expect(f.emulator.state.eipAssociation(f.allocationId)).toEqual({
      associationId,
      networkInterfaceId: f.b.networkInterfaceId,
      privateIpAddress: '10.0.1.100',
      instanceId: f.b.instanceId,
    });
  });

  it('treats an address already on this ENI as done', async () => {
    await f.client.send(assign(f.a.networkInterfaceId, ['10.0.1.100']));
    const again = await f.client.send(assign(f.a.networkInterfaceId, ['10.0.1.100']));
    expect(again.AssignedPrivateIpAddresses).toEqual([{ PrivateIpAddress: '10.0.1.100' }]);
    expect(f.emulator.state.privateIpsOf(f.a.networkInterfaceId)).toEqual([
      '10.0.1.10',
      '10.0.1.100',
    ]);
  });

  it('rejects addresses outside the subnet, reserved, malformed, or a primary', async () => {
    const outside = await expectEc2Error(
      f.client.send(assign(f.a.networkInterfaceId, ['10.0.2.5'])),
      'InvalidParameterValue',
    );
    expect(outside.message).toBe("Address does not fall within the subnet's address range");
    await expectEc2Error(
      f.client.send(assign(f.a.networkInterfaceId, ['10.0.1.255'])),
      'InvalidParameterValue',
    );
    await expectEc2Error(
      f.client.send(assign(f.a.networkInterfaceId, ['10.0.1'])),
      'InvalidParameterValue',
    );
    await expectEc2Error(
      f.client.send(assign(f.a.networkInterfaceId, ['10.0.1.11'], true)),
      'InvalidParameterValue',
    );
    expect(f.emulator.state.eniOf('10.0.1.11')).toBe(f.b.networkInterfaceId);
  });

  it('rejects unknown ENIs and missing parameters', async () => {
    await expectEc2Error(
      f.client.send(assign('eni-0123456789abcdef0', ['10.0.1.100'])),
      'InvalidNetworkInterfaceID.NotFound',
    );
    await expectEc2Error(
      f.client.send(
        new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: f.a.networkInterfaceId }),
      ),
      'MissingParameter',
    );
    await expectEc2Error(
      f.client.send(
        new AssignPrivateIpAddressesCommand({
          NetworkInterfaceId: f.a.networkInterfaceId,
          PrivateIpAddresses: ['10.0.1.100'],
          SecondaryPrivateIpAddressCount: 1,
        }),
      ),
      'InvalidParameterCombination',
    );
  });
});

describe('UnassignPrivateIpAddresses', () => {
  it('removes the address and disassociates its EIP', async () => {
    await f.client.send(assign(f.a.networkInterfaceId, ['10.0.1.100']));
    f.emulator.state.associateElasticIp(f.allocationId, f.a.networkInterfaceId, '10.0.1.100');
    await f.client.send(
      new UnassignPrivateIpAddressesCommand({
        NetworkInterfaceId: f.a.networkInterfaceId,
        PrivateIpAddresses: ['10.0.1.100'],
      }),
    );
    expect(f.emulator.state.eniOf('10.0.1.100')).toBeUndefined();
    expect(f.emulator.state.eipAssociation(f.allocationId)).toBeUndefined();
  });

  it('rejects an address not on the ENI, and the primary', async () => {
    const e = await expectEc2Error(
      f.client.send(
        new UnassignPrivateIpAddressesCommand({
          NetworkInterfaceId: f.a.networkInterfaceId,
          PrivateIpAddresses: ['10.0.1.11'],
        }),
      ),
      'InvalidParameterValue',
    );
    expect(e.message).toBe(
      `Some of the specified addresses are not assigned to interface ${f.a.networkInterfaceId}`,
    );
    await expectEc2Error(
      f.client.send(
        new UnassignPrivateIpAddressesCommand({
          NetworkInterfaceId: f.a.networkInterfaceId,
          PrivateIpAddresses: ['10.0.1.10'],
        }),
      ),
      'InvalidParameterValue',
    );
    expect(f.emulator.state.privateIpsOf(f.a.networkInterfaceId)).toEqual(['10.0.1.10']);
  });
});
