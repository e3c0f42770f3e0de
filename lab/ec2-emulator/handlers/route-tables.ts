// Route tables: CreateRoute, ReplaceRoute, DescribeRouteTables. Routes point at an ENI (an
// InstanceId resolves to its primary ENI) and report the attached instance, as EC2 does.

import { Ec2ApiError, checkIds, invalidParameterValue } from '../api-error.js';
import type { FilterFields } from '../filters.js';
import { applyFilters } from '../filters.js';
import { parseCidr } from '../ipv4.js';
import type { Ec2Data, Route, RouteTable, RouteTarget } from '../model.js';
import { ownerAccountId } from '../model.js';
import type { QueryParams } from '../query.js';
import { filters, optionalString, requiredString, stringList } from '../query.js';
import type { XmlChild } from '../xml.js';
import { el, itemSet, opt } from '../xml.js';
import type { HandlerContext } from './shared.js';
import { requireEni, requireInstance, returnTrue, selectByIds, tagSet } from './shared.js';

interface RouteRequest {
  readonly routeTableId: string;
  readonly destinationCidrBlock: string;
  readonly gatewayId: string | undefined;
  readonly networkInterfaceId: string | undefined;
  readonly instanceId: string | undefined;
}

function parseRouteRequest(params: QueryParams): RouteRequest {
  const request = {
    routeTableId: requiredString(params, 'RouteTableId'),
    destinationCidrBlock: requiredString(params, 'DestinationCidrBlock'),
    gatewayId: optionalString(params, 'GatewayId'),
    networkInterfaceId: optionalString(params, 'NetworkInterfaceId'),
    instanceId: optionalString(params, 'InstanceId'),
  };
  if (!parseCidr(request.destinationCidrBlock)) {
    throw invalidParameterValue(
      `Value (${request.destinationCidrBlock}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`,
    );
  }
  const targets = [request.gatewayId, request.networkInterfaceId, request.instanceId];
  if (targets.filter((t) => t !== undefined).length !== 1) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'The request must contain exactly one of gatewayId, networkInterfaceId or instanceId',
    );
  }
  return request;
}

function requireRouteTable(data: Ec2Data, id: string): RouteTable {
  checkIds('route-table', [id], (i) => data.routeTables.has(i));
  return data.routeTables.get(id) as RouteTable;
}

function resolveTarget(data: Ec2Data, table: RouteTable, request: RouteRequest): RouteTarget {
  if (request.gatewayId !== undefined) return { kind: 'gateway', gatewayId: request.gatewayId };
  let eniId = request.networkInterfaceId;
  if (request.instanceId !== undefined) {
    const instance = requireInstance(data, request.instanceId);
    if (instance.networkInterfaceIds.length !== 1) {
      throw new Ec2ApiError(
        'InvalidInstanceID',
        `There are multiple interfaces attached to instance '${request.instanceId}'. Please specify an interface ID for the operation instead.`,
      );
    }
    eniId = instance.networkInterfaceIds[0];
  }
  const eni = requireEni(data, eniId ?? '');
  if (eni.vpcId !== table.vpcId) {
    throw invalidParameterValue(
      `route table ${table.routeTableId} and network interface ${eni.networkInterfaceId} belong to different networks`,
    );
  }
  return { kind: 'network-interface', networkInterfaceId: eni.networkInterfaceId };
}

export function createRoute({ params, state }: HandlerContext) {
  const request = parseRouteRequest(params);
  state.write((data) => {
    const table = requireRouteTable(data, request.routeTableId);
    const target = resolveTarget(data, table, request);
    if (table.routes.some((r) => r.destinationCidrBlock === request.destinationCidrBlock)) {
      throw new Ec2ApiError(
        'RouteAlreadyExists',
        `The route identified by ${request.destinationCidrBlock} already exists.`,
      );
    }
    table.routes.push({
      destinationCidrBlock: request.destinationCidrBlock,
      target,
      origin: 'CreateRoute',
    });
  });
  return returnTrue;
}

export function replaceRoute({ params, state }: HandlerContext) {
  const request = parseRouteRequest(params);
  state.write((data) => {
    const table = requireRouteTable(data, request.routeTableId);
    const target = resolveTarget(data, table, request);
    const route = table.routes.find((r) => r.destinationCidrBlock === request.destinationCidrBlock);
    // EC2 answers InvalidParameterValue here, not InvalidRoute.NotFound (checked against AWS).
    if (!route) {
      throw invalidParameterValue(
        `There is no route defined for '${request.destinationCidrBlock}' in the route table. Use CreateRoute instead.`,
      );
    }
    route.target = target;
  });
  return returnTrue;
}

function routeFields(data: Ec2Data, route: Route) {
  const target = route.target;
  const eniId = target.kind === 'network-interface' ? target.networkInterfaceId : undefined;
  const instanceId =
    eniId === undefined ? undefined : data.networkInterfaces.get(eniId)?.attachment?.instanceId;
  const gatewayId =
    target.kind === 'local' ? 'local' : target.kind === 'gateway' ? target.gatewayId : undefined;
  const state = eniId !== undefined && instanceId === undefined ? 'blackhole' : 'active';
  return { eniId, instanceId, gatewayId, state };
}

function routeItem(data: Ec2Data, route: Route): readonly XmlChild[] {
  const { eniId, instanceId, gatewayId, state } = routeFields(data, route);
  return [
    el('destinationCidrBlock', route.destinationCidrBlock),
    opt('gatewayId', gatewayId),
    opt('instanceId', instanceId),
    opt('instanceOwnerId', instanceId && ownerAccountId),
    opt('networkInterfaceId', eniId),
    el('state', state),
    el('origin', route.origin),
  ];
}

function routeTableFilterFields(data: Ec2Data): FilterFields<RouteTable> {
  const routes = (t: RouteTable) => t.routes.map((r) => routeFields(data, r));
  return {
    'route-table-id': (t) => [t.routeTableId],
    'vpc-id': (t) => [t.vpcId],
    'owner-id': () => [ownerAccountId],
    'route.destination-cidr-block': (t) => t.routes.map((r) => r.destinationCidrBlock),
    'route.network-interface-id': (t) => routes(t).map((r) => r.eniId),
    'route.instance-id': (t) => routes(t).map((r) => r.instanceId),
    'route.gateway-id': (t) => routes(t).map((r) => r.gatewayId),
    'route.state': (t) => routes(t).map((r) => r.state),
    'route.origin': (t) => t.routes.map((r) => r.origin),
    'association.main': (t) => t.associations.map((a) => String(a.main)),
    'association.subnet-id': (t) => t.associations.map((a) => a.subnetId),
    'association.route-table-association-id': (t) =>
      t.associations.map((a) => a.routeTableAssociationId),
  };
}

export function describeRouteTables({ params, view }: HandlerContext) {
  const selected = selectByIds(view.routeTables, stringList(params, 'RouteTableId'), 'route-table');
  const matching = applyFilters(selected, filters(params), routeTableFilterFields(view), (t) =>
    view.tags.get(t.routeTableId),
  );
  return [
    itemSet(
      'routeTableSet',
      matching.map((table) => [
        el('routeTableId', table.routeTableId),
        el('vpcId', table.vpcId),
        el('ownerId', ownerAccountId),
        itemSet(
          'routeSet',
          table.routes.map((route) => routeItem(view, route)),
        ),
        itemSet(
          'associationSet',
          table.associations.map((a) => [
            el('routeTableAssociationId', a.routeTableAssociationId),
            el('routeTableId', table.routeTableId),
            opt('subnetId', a.subnetId),
            el('main', a.main),
            el('associationState', [el('state', 'associated')]),
          ]),
        ),
        itemSet('propagatingVgwSet', []),
        tagSet(view, table.routeTableId),
      ]),
    ),
  ];
}
