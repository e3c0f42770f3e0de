// Elastic IPs: DescribeAddresses, AssociateAddress, DisassociateAddress.

import { Ec2ApiError, checkIds, invalidParameterValue, missingParameter } from '../api-error.js';
import type { FilterFields } from '../filters.js';
import { applyFilters } from '../filters.js';
import type { Ec2Data, ElasticIp } from '../model.js';
import { eipForPrivateIp, ownerAccountId } from '../model.js';
import { filters, optionalBoolean, optionalString, requiredString, stringList } from '../query.js';
import { el, itemSet, opt } from '../xml.js';
import type { HandlerContext } from './shared.js';
import { requireEni, requireInstance, returnTrue, tagSet } from './shared.js';

function instanceIdOf(data: Ec2Data, eip: ElasticIp): string | undefined {
  const eniId = eip.association?.networkInterfaceId;
  return eniId === undefined
    ? undefined
    : data.networkInterfaces.get(eniId)?.attachment?.instanceId;
}

function addressFilterFields(data: Ec2Data): FilterFields<ElasticIp> {
  return {
    'allocation-id': (eip) => [eip.allocationId],
    'association-id': (eip) => [eip.association?.associationId],
    'public-ip': (eip) => [eip.publicIp],
    'network-interface-id': (eip) => [eip.association?.networkInterfaceId],
    'network-interface-owner-id': (eip) => [eip.association && ownerAccountId],
    'private-ip-address': (eip) => [eip.association?.privateIpAddress],
    'instance-id': (eip) => [instanceIdOf(data, eip)],
    domain: () => ['vpc'],
  };
}

export function describeAddresses({ params, view, region }: HandlerContext) {
  const allocationIds = stringList(params, 'AllocationId');
  const publicIps = stringList(params, 'PublicIp');
  checkIds('allocation', allocationIds, (id) => view.elasticIps.has(id));
  const all = [...view.elasticIps.values()];
  const missingIp = publicIps.find((ip) => !all.some((eip) => eip.publicIp === ip));
  if (missingIp !== undefined) {
    throw new Ec2ApiError('InvalidAddress.NotFound', `Address '${missingIp}' not found.`);
  }
  const selected = all.filter(
    (eip) =>
      (allocationIds.length === 0 || allocationIds.includes(eip.allocationId)) &&
      (publicIps.length === 0 || publicIps.includes(eip.publicIp)),
  );
  const matching = applyFilters(selected, filters(params), addressFilterFields(view), (eip) =>
    view.tags.get(eip.allocationId),
  );
  return [
    itemSet(
      'addressesSet',
      matching.map((eip) => [
        el('publicIp', eip.publicIp),
        el('allocationId', eip.allocationId),
        el('domain', 'vpc'),
        opt('instanceId', instanceIdOf(view, eip)),
        opt('associationId', eip.association?.associationId),
        opt('networkInterfaceId', eip.association?.networkInterfaceId),
        opt('networkInterfaceOwnerId', eip.association && ownerAccountId),
        opt('privateIpAddress', eip.association?.privateIpAddress),
        tagSet(view, eip.allocationId),
        el('publicIpv4Pool', 'amazon'),
        el('networkBorderGroup', region),
      ]),
    ),
  ];
}

export function associateAddress({ params, state }: HandlerContext) {
  const allocationId = requiredString(params, 'AllocationId');
  const instanceId = optionalString(params, 'InstanceId');
  const eniIdParam = optionalString(params, 'NetworkInterfaceId');
  const privateIp = optionalString(params, 'PrivateIpAddress');
  const allowReassociation = optionalBoolean(params, 'AllowReassociation') ?? false;
  if (instanceId !== undefined && eniIdParam !== undefined) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'You may specify either an instance ID or a network interface ID, but not both.',
    );
  }
  if (instanceId === undefined && eniIdParam === undefined) {
    throw missingParameter('NetworkInterfaceId');
  }
  const associationId = state.write((data) => {
    checkIds('allocation', [allocationId], (id) => data.elasticIps.has(id));
    const eip = data.elasticIps.get(allocationId) as ElasticIp;
    let eniId = eniIdParam;
    if (instanceId !== undefined) {
      const instance = requireInstance(data, instanceId);
      if (instance.networkInterfaceIds.length !== 1) {
        throw new Ec2ApiError(
          'InvalidInstanceID',
          `There are multiple interfaces attached to instance '${instanceId}'. Please specify an interface ID for the operation instead.`,
        );
      }
      eniId = instance.networkInterfaceIds[0];
    }
    const eni = requireEni(data, eniId ?? '');
    const address = privateIp ?? eni.privateIps.find((ip) => ip.primary)?.address ?? '';
    if (!eni.privateIps.some((ip) => ip.address === address)) {
      throw invalidParameterValue(
        `The specified private IP address ${address} is not assigned to the network interface ${eni.networkInterfaceId}.`,
      );
    }
    const current = eip.association;
    const sameTarget =
      current?.networkInterfaceId === eni.networkInterfaceId &&
      current.privateIpAddress === address;
    if (current && !sameTarget && !allowReassociation) {
      throw new Ec2ApiError(
        'Resource.AlreadyAssociated',
        `resource ${allocationId} is already associated with associate-id ${current.associationId}`,
      );
    }
    // An address holds one EIP: one already there is disassociated but stays allocated.
    const displaced = eipForPrivateIp(data, eni.networkInterfaceId, address);
    if (displaced && displaced !== eip) displaced.association = undefined;
    // Every association, even a repeated one, gets a new id (EC2 remaps each time).
    const id = state.newId('eipassoc-');
    eip.association = {
      associationId: id,
      networkInterfaceId: eni.networkInterfaceId,
      privateIpAddress: address,
    };
    return id;
  });
  return [el('return', true), el('associationId', associationId)];
}

export function disassociateAddress({ params, state }: HandlerContext) {
  const associationId = optionalString(params, 'AssociationId');
  if (associationId === undefined || associationId === '') throw missingParameter('AssociationId');
  state.write((data) => {
    const eips = [...data.elasticIps.values()];
    checkIds('association', [associationId], (id) =>
      eips.some((eip) => eip.association?.associationId === id),
    );
    const eip = eips.find((e) => e.association?.associationId === associationId);
    if (eip) eip.association = undefined;
  });
  return returnTrue;
}
