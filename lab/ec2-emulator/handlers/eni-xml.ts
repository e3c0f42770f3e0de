// ENI elements, as DescribeNetworkInterfaces and DescribeInstances' networkInterfaceSet write them.

import type { Ec2Data, NetworkInterface } from '../model.js';
import { eipForPrivateIp, ownerAccountId } from '../model.js';
import type { XmlChild, XmlElement } from '../xml.js';
import { el, isoTime, itemSet } from '../xml.js';
import { tagSet } from './shared.js';

export function privateDnsName(address: string, region: string): string {
  const suffix = region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
  return `ip-${address.replace(/\./g, '-')}.${suffix}`;
}

function publicDnsName(publicIp: string, region: string): string {
  const suffix =
    region === 'us-east-1' ? 'compute-1.amazonaws.com' : `${region}.compute.amazonaws.com`;
  return `ec2-${publicIp.replace(/\./g, '-')}.${suffix}`;
}

function associationOf(
  data: Ec2Data,
  eni: NetworkInterface,
  address: string,
  region: string,
  withIds: boolean,
): XmlElement | undefined {
  const eip = eipForPrivateIp(data, eni.networkInterfaceId, address);
  if (!eip?.association) return undefined;
  return el('association', [
    withIds && el('allocationId', eip.allocationId),
    withIds && el('associationId', eip.association.associationId),
    el('ipOwnerId', ownerAccountId),
    el('publicDnsName', publicDnsName(eip.publicIp, region)),
    el('publicIp', eip.publicIp),
  ]);
}

function groupSet(): XmlElement {
  return itemSet('groupSet', [[el('groupId', 'sg-0123456789abcdef0'), el('groupName', 'default')]]);
}

function primaryAddress(eni: NetworkInterface): string {
  return eni.privateIps.find((ip) => ip.primary)?.address ?? '';
}

function privateIpSet(
  data: Ec2Data,
  eni: NetworkInterface,
  region: string,
  withIds: boolean,
): XmlElement {
  return itemSet(
    'privateIpAddressesSet',
    eni.privateIps.map((ip) => [
      el('privateIpAddress', ip.address),
      el('privateDnsName', privateDnsName(ip.address, region)),
      el('primary', ip.primary),
      associationOf(data, eni, ip.address, region, withIds),
    ]),
  );
}

/** An `<item>`'s children for DescribeNetworkInterfaces' networkInterfaceSet. */
export function networkInterfaceItem(
  data: Ec2Data,
  eni: NetworkInterface,
  region: string,
): readonly XmlChild[] {
  const primary = primaryAddress(eni);
  const attachment = eni.attachment;
  return [
    el('networkInterfaceId', eni.networkInterfaceId),
    el('subnetId', eni.subnetId),
    el('vpcId', eni.vpcId),
    el('availabilityZone', eni.availabilityZone),
    el('description', eni.description),
    el('ownerId', ownerAccountId),
    el('requesterManaged', false),
    el('status', attachment ? 'in-use' : 'available'),
    el('macAddress', eni.macAddress),
    el('privateIpAddress', primary),
    el('privateDnsName', privateDnsName(primary, region)),
    el('sourceDestCheck', eni.sourceDestCheck),
    groupSet(),
    attachment &&
      el('attachment', [
        el('attachmentId', attachment.attachmentId),
        el('instanceId', attachment.instanceId),
        el('instanceOwnerId', ownerAccountId),
        el('deviceIndex', attachment.deviceIndex),
        el('networkCardIndex', 0),
        el('status', 'attached'),
        el('attachTime', isoTime(attachment.attachTimeMs)),
        el('deleteOnTermination', attachment.deviceIndex === 0),
      ]),
    associationOf(data, eni, primary, region, true),
    tagSet(data, eni.networkInterfaceId),
    privateIpSet(data, eni, region, true),
    itemSet('ipv6AddressesSet', []),
    el('interfaceType', 'interface'),
  ];
}

/** An `<item>`'s children for an instance's networkInterfaceSet (no tags, no EIP ids). */
export function instanceNetworkInterfaceItem(
  data: Ec2Data,
  eni: NetworkInterface,
  region: string,
): readonly XmlChild[] {
  const primary = primaryAddress(eni);
  const attachment = eni.attachment;
  return [
    el('networkInterfaceId', eni.networkInterfaceId),
    el('subnetId', eni.subnetId),
    el('vpcId', eni.vpcId),
    el('description', eni.description),
    el('ownerId', ownerAccountId),
    el('status', 'in-use'),
    el('macAddress', eni.macAddress),
    el('privateIpAddress', primary),
    el('privateDnsName', privateDnsName(primary, region)),
    el('sourceDestCheck', eni.sourceDestCheck),
    groupSet(),
    attachment &&
      el('attachment', [
        el('attachmentId', attachment.attachmentId),
        el('deviceIndex', attachment.deviceIndex),
        el('networkCardIndex', 0),
        el('status', 'attached'),
        el('attachTime', isoTime(attachment.attachTimeMs)),
        el('deleteOnTermination', attachment.deviceIndex === 0),
      ]),
    associationOf(data, eni, primary, region, false),
    privateIpSet(data, eni, region, false),
    itemSet('ipv6AddressesSet', []),
    el('interfaceType', 'interface'),
  ];
}
