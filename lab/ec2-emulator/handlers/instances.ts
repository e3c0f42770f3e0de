// DescribeInstances: every instance in its state (running unless a test changed it), one
// reservation each, with its ENIs.

import type { FilterFields } from '../filters.js';
import { applyFilters } from '../filters.js';
import type { Ec2Data, Instance, NetworkInterface } from '../model.js';
import { eipForPrivateIp, INSTANCE_STATE_CODES, ownerAccountId } from '../model.js';
import { filters, stringList } from '../query.js';
import type { XmlChild } from '../xml.js';
import { el, isoTime, itemSet, opt } from '../xml.js';
import { instanceNetworkInterfaceItem, privateDnsName } from './eni-xml.js';
import type { HandlerContext } from './shared.js';
import { selectByIds, tagSet } from './shared.js';

function enisOf(data: Ec2Data, instance: Instance): NetworkInterface[] {
  return instance.networkInterfaceIds.flatMap((id) => {
    const eni = data.networkInterfaces.get(id);
    return eni ? [eni] : [];
  });
}

function primaryIpOf(eni: NetworkInterface | undefined): string | undefined {
  return eni?.privateIps.find((ip) => ip.primary)?.address;
}

function publicIpOf(data: Ec2Data, eni: NetworkInterface | undefined): string | undefined {
  const address = primaryIpOf(eni);
  if (!eni || address === undefined) return undefined;
  return eipForPrivateIp(data, eni.networkInterfaceId, address)?.publicIp;
}

function instanceFilterFields(data: Ec2Data): FilterFields<Instance> {
  const enis = (i: Instance) => enisOf(data, i);
  return {
    'instance-id': (i) => [i.instanceId],
    'instance-state-name': (i) => [i.state],
    'instance-state-code': (i) => [String(INSTANCE_STATE_CODES[i.state])],
    'instance-type': (i) => [i.instanceType],
    'availability-zone': (i) => [i.availabilityZone],
    'subnet-id': (i) => [i.subnetId],
    'vpc-id': (i) => [i.vpcId],
    'private-ip-address': (i) => [primaryIpOf(enis(i)[0])],
    'ip-address': (i) => [publicIpOf(data, enis(i)[0])],
    'network-interface.network-interface-id': (i) => i.networkInterfaceIds,
    'network-interface.mac-address': (i) => enis(i).map((e) => e.macAddress),
    'network-interface.addresses.private-ip-address': (i) =>
      enis(i).flatMap((e) => e.privateIps.map((ip) => ip.address)),
  };
}

function instanceItem(data: Ec2Data, instance: Instance, region: string): readonly XmlChild[] {
  const enis = enisOf(data, instance);
  const primary = enis[0];
  const privateIp = primaryIpOf(primary);
  return [
    el('instanceId', instance.instanceId),
    el('imageId', instance.imageId),
    el('instanceState', [
      el('code', INSTANCE_STATE_CODES[instance.state]),
      el('name', instance.state),
    ]),
    el('privateDnsName', privateIp ? privateDnsName(privateIp, region) : ''),
    el('dnsName', ''),
    el('reason', ''),
    el('amiLaunchIndex', 0),
    itemSet('productCodes', []),
    el('instanceType', instance.instanceType),
    el('launchTime', isoTime(instance.launchTimeMs)),
    el('placement', [
      el('availabilityZone', instance.availabilityZone),
      el('groupName', ''),
      el('tenancy', 'default'),
    ]),
    el('monitoring', [el('state', 'disabled')]),
    el('subnetId', instance.subnetId),
    el('vpcId', instance.vpcId),
    opt('privateIpAddress', privateIp),
    opt('ipAddress', publicIpOf(data, primary)),
    el('sourceDestCheck', primary?.sourceDestCheck ?? true),
    itemSet('groupSet', [[el('groupId', 'sg-0123456789abcdef0'), el('groupName', 'default')]]),
    el('architecture', 'x86_64'),
    el('rootDeviceType', 'ebs'),
    el('rootDeviceName', '/dev/xvda'),
    itemSet('blockDeviceMapping', []),
    el('virtualizationType', 'hvm'),
    tagSet(data, instance.instanceId),
    el('hypervisor', 'xen'),
    itemSet(
      'networkInterfaceSet',
      enis.map((eni) => instanceNetworkInterfaceItem(data, eni, region)),
    ),
    el('ebsOptimized', false),
    el('enaSupport', true),
  ];
}

export function describeInstances({ params, view, region }: HandlerContext) {
  const selected = selectByIds(view.instances, stringList(params, 'InstanceId'), 'instance');
  const matching = applyFilters(selected, filters(params), instanceFilterFields(view), (i) =>
    view.tags.get(i.instanceId),
  );
  return [
    itemSet(
      'reservationSet',
      matching.map((instance) => [
        el('reservationId', instance.reservationId),
        el('ownerId', ownerAccountId),
        itemSet('groupSet', []),
        itemSet('instancesSet', [instanceItem(view, instance, region)]),
      ]),
    ),
  ];
}
