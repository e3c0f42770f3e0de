// DescribeNetworkInterfaces, DescribeNetworkInterfaceAttribute, ModifyNetworkInterfaceAttribute.

import { Ec2ApiError, invalidParameterValue, missingParameter } from '../api-error.js';
import type { FilterFields } from '../filters.js';
import { applyFilters } from '../filters.js';
import type { Ec2Data, NetworkInterface } from '../model.js';
import { eipForPrivateIp, ownerAccountId } from '../model.js';
import { filters, optionalBoolean, optionalString, requiredString, stringList } from '../query.js';
import { el, isoTime, itemSet } from '../xml.js';
import { networkInterfaceItem } from './eni-xml.js';
import type { HandlerContext } from './shared.js';
import { requireEni, returnTrue, selectByIds } from './shared.js';

function eniFilterFields(data: Ec2Data): FilterFields<NetworkInterface> {
  const eips = (eni: NetworkInterface) =>
    eni.privateIps.flatMap((ip) => {
      const eip = eipForPrivateIp(data, eni.networkInterfaceId, ip.address);
      return eip ? [eip] : [];
    });
  const addresses = (eni: NetworkInterface) => eni.privateIps.map((ip) => ip.address);
  return {
    'network-interface-id': (eni) => [eni.networkInterfaceId],
    'addresses.private-ip-address': addresses,
    'private-ip-address': addresses,
    'addresses.primary': (eni) => eni.privateIps.map((ip) => String(ip.primary)),
    'attachment.instance-id': (eni) => [eni.attachment?.instanceId],
    'attachment.attachment-id': (eni) => [eni.attachment?.attachmentId],
    'attachment.device-index': (eni) => [eni.attachment && String(eni.attachment.deviceIndex)],
    'attachment.status': (eni) => [eni.attachment && 'attached'],
    'subnet-id': (eni) => [eni.subnetId],
    'vpc-id': (eni) => [eni.vpcId],
    'availability-zone': (eni) => [eni.availabilityZone],
    'mac-address': (eni) => [eni.macAddress],
    description: (eni) => [eni.description],
    status: (eni) => [eni.attachment ? 'in-use' : 'available'],
    'source-dest-check': (eni) => [String(eni.sourceDestCheck)],
    'owner-id': () => [ownerAccountId],
    'association.allocation-id': (eni) => eips(eni).map((e) => e.allocationId),
    'association.association-id': (eni) => eips(eni).map((e) => e.association?.associationId),
    'association.public-ip': (eni) => eips(eni).map((e) => e.publicIp),
  };
}

export function describeNetworkInterfaces({ params, view, region }: HandlerContext) {
  const selected = selectByIds(
    view.networkInterfaces,
    stringList(params, 'NetworkInterfaceId'),
    'network-interface',
  );
  const matching = applyFilters(selected, filters(params), eniFilterFields(view), (eni) =>
    view.tags.get(eni.networkInterfaceId),
  );
  return [
    itemSet(
      'networkInterfaceSet',
      matching.map((eni) => networkInterfaceItem(view, eni, region)),
    ),
  ];
}

const describableAttributes = [
  'description',
  'groupSet',
  'sourceDestCheck',
  'attachment',
  'associatePublicIpAddress',
] as const;

export function describeNetworkInterfaceAttribute({ params, view }: HandlerContext) {
  const eni = requireEni(view, requiredString(params, 'NetworkInterfaceId'));
  const attribute = optionalString(params, 'Attribute');
  if (attribute === undefined) throw missingParameter('Attribute');
  if (!(describableAttributes as readonly string[]).includes(attribute)) {
    throw invalidParameterValue(
      `Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`,
    );
  }
  const head = el('networkInterfaceId', eni.networkInterfaceId);
  switch (attribute) {
    case 'sourceDestCheck':
      return [head, el('sourceDestCheck', [el('value', eni.sourceDestCheck)])];
    case 'description':
      return [head, el('description', [el('value', eni.description)])];
    case 'groupSet':
      return [
        head,
        itemSet('groupSet', [[el('groupId', 'sg-0123456789abcdef0'), el('groupName', 'default')]]),
      ];
    case 'associatePublicIpAddress':
      return [head, el('associatePublicIpAddress', false)];
    default: {
      const attachment = eni.attachment;
      return [
        head,
        attachment &&
          el('attachment', [
            el('attachmentId', attachment.attachmentId),
            el('instanceId', attachment.instanceId),
            el('instanceOwnerId', ownerAccountId),
            el('deviceIndex', attachment.deviceIndex),
            el('status', 'attached'),
            el('attachTime', isoTime(attachment.attachTimeMs)),
            el('deleteOnTermination', attachment.deviceIndex === 0),
          ]),
      ];
    }
  }
}

export function modifyNetworkInterfaceAttribute({ params, state }: HandlerContext) {
  const id = requiredString(params, 'NetworkInterfaceId');
  const sourceDestCheck = optionalBoolean(params, 'SourceDestCheck.Value');
  const description = optionalString(params, 'Description.Value');
  const given = [
    sourceDestCheck !== undefined && 'sourceDestCheck',
    description !== undefined && 'description',
  ].filter(Boolean);
  if (given.length === 0) {
    throw new Ec2ApiError('InvalidParameterCombination', 'No attributes specified.');
  }
  if (given.length > 1) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      `Fields for multiple attribute types specified: ${given.join(', ')}`,
    );
  }
  state.write((data) => {
    const eni = requireEni(data, id);
    if (sourceDestCheck !== undefined) eni.sourceDestCheck = sourceDestCheck;
    if (description !== undefined) eni.description = description;
  });
  return returnTrue;
}
