import {
  CreateRouteCommand,
  DescribeRouteTablesCommand,
  ReplaceRouteCommand,
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

const vipRoute = '10.100.0.1/32';

describe('CreateRoute / ReplaceRoute', () => {
  it('creates a route to an ENI, reported with its instance', async () => {
    const out = await f.client.send(
      new CreateRouteCommand({
        RouteTableId: f.routeTableId,
        DestinationCidrBlock: vipRoute,
        NetworkInterfaceId: f.a.networkInterfaceId,
      }),
    );
    expect(out.Return).toBe(true);
    expect(f.emulator.state.route(f.routeTableId, vipRoute)).toEqual({
      destinationCidrBlock: vipRoute,
      origin: 'CreateRoute',
      networkInterfaceId: f.a.networkInterfaceId,
      instanceId: f.a.instanceId,
    });
    const described = await f.client.send(
      new DescribeRouteTablesCommand({ RouteTableIds: [f.routeTableId] }),
    );
    const table = described.RouteTables?.[0];
    expect(table).toMatchObject({ RouteTableId: f.routeTableId, VpcId: f.vpcId, Tags: [] });
    expect(table?.Routes).toEqual([
      {
        DestinationCidrBlock: '10.0.0.0/16',
        GatewayId: 'local',
        Origin: 'CreateRouteTable',
        State: 'active',
      },
      {
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: 'igw-0123456789abcdef0',
        Origin: 'CreateRouteTable',
        State: 'active',
      },
      {
        DestinationCidrBlock: vipRoute,
        NetworkInterfaceId: f.a.networkInterfaceId,
        InstanceId: f.a.instanceId,
        InstanceOwnerId: '123456789012',
        Origin: 'CreateRoute',
        State: 'active',
      },
    ]);
  });

  it('answers RouteAlreadyExists for an existing destination', async () => {
    const create = (eni: string) =>
      f.client.send(
        new CreateRouteCommand({
          RouteTableId: f.routeTableId,
          DestinationCidrBlock: vipRoute,
          NetworkInterfaceId: eni,
        }),
      );
    await create(f.a.networkInterfaceId);
    const e = await expectEc2Error(create(f.b.networkInterfaceId), 'RouteAlreadyExists');
    expect(e.message).toBe(`The route identified by ${vipRoute} already exists.`);
    expect(f.emulator.state.route(f.routeTableId, vipRoute)?.networkInterfaceId).toBe(
      f.a.networkInterfaceId,
    );
  });

  it('replaces the target of an existing route (InstanceId resolves to its ENI)', async () => {
    await f.client.send(
      new CreateRouteCommand({
        RouteTableId: f.routeTableId,
        DestinationCidrBlock: vipRoute,
        NetworkInterfaceId: f.a.networkInterfaceId,
      }),
    );
    await f.client.send(
      new ReplaceRouteCommand({
        RouteTableId: f.routeTableId,
        DestinationCidrBlock: vipRoute,
        InstanceId: f.b.instanceId,
      }),
    );
    expect(f.emulator.state.route(f.routeTableId, vipRoute)).toMatchObject({
      networkInterfaceId: f.b.networkInterfaceId,
      instanceId: f.b.instanceId,
    });
  });

  it('answers InvalidParameterValue for ReplaceRoute on a missing route', async () => {
    const e = await expectEc2Error(
      f.client.send(
        new ReplaceRouteCommand({
          RouteTableId: f.routeTableId,
          DestinationCidrBlock: vipRoute,
          NetworkInterfaceId: f.a.networkInterfaceId,
        }),
      ),
      'InvalidParameterValue',
    );
    expect(e.message).toBe(
      `There is no route defined for '${vipRoute}' in the route table. Use CreateRoute instead.`,
    );
    expect(f.emulator.state.route(f.routeTableId, vipRoute)).toBeUndefined();
  });

  it('rejects unknown tables and ENIs, bad CIDRs and missing targets', async () => {
    const send = (input: Partial<ConstructorParameters<typeof CreateRouteCommand>[0]>) =>
      f.client.send(
        new CreateRouteCommand({
          RouteTableId: f.routeTableId,
          DestinationCidrBlock: vipRoute,
          NetworkInterfaceId: f.a.networkInterfaceId,
          ...input,
        }),
      );
    await expectEc2Error(
      send({ RouteTableId: 'rtb-0123456789abcdef0' }),
      'InvalidRouteTableID.NotFound',
    );
    await expectEc2Error(
      send({ NetworkInterfaceId: 'eni-0123456789abcdef0' }),
      'InvalidNetworkInterfaceID.NotFound',
    );
    await expectEc2Error(send({ DestinationCidrBlock: '10.100.0.1/24' }), 'InvalidParameterValue');
    await expectEc2Error(send({ NetworkInterfaceId: undefined }), 'InvalidParameterCombination');
    await expectEc2Error(send({ RouteTableId: '' }), 'MissingParameter');
  });
});

describe('DescribeRouteTables', () => {
  it('filters by route-table-id, route.destination-cidr-block and vpc-id', async () => {
    const otherVpc = f.emulator.state.addVpc('10.1.0.0/16');
    const other = f.emulator.state.addRouteTable(otherVpc);
    await f.client.send(
      new CreateRouteCommand({
        RouteTableId: f.routeTableId,
        DestinationCidrBlock: vipRoute,
        NetworkInterfaceId: f.a.networkInterfaceId,
      }),
    );
    const ids = async (name: string, value: string) =>
      (
        await f.client.send(
          new DescribeRouteTablesCommand({ Filters: [{ Name: name, Values: [value] }] }),
        )
      ).RouteTables?.map((t) => t.RouteTableId);
    expect(await ids('route.destination-cidr-block', vipRoute)).toEqual([f.routeTableId]);
    expect(await ids('vpc-id', otherVpc)).toEqual([other]);
    expect(await ids('route-table-id', f.routeTableId)).toEqual([f.routeTableId]);
    expect(await ids('route.network-interface-id', f.a.networkInterfaceId)).toEqual([
      f.routeTableId,
    ]);
    await expectEc2Error(
      f.client.send(new DescribeRouteTablesCommand({ RouteTableIds: ['rtb-0123456789abcdef0'] })),
      'InvalidRouteTableID.NotFound',
    );
  });
});
