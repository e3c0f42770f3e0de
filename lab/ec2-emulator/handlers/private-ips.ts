// AssignPrivateIpAddresses / UnassignPrivateIpAddresses: secondary private IPv4 addresses.
// API reference: "When you move a secondary private IP address to another network interface,
// any Elastic IP address that is associated with the IP address is also moved."

import { Ec2ApiError, invalidParameterValue, missingParameter } from '../api-error.js';
import type { Cidr } from '../ipv4.js';
import {
  cidrContains,
  cidrSize,
  formatIpv4,
  isReservedInSubnet,
  parseCidr,
  parseIpv4,
} from '../ipv4.js';
import type { Ec2Data, NetworkInterface } from '../model.js';
import { eipForPrivateIp, findEniByIp } from '../model.js';
import { optionalBoolean, optionalInteger, requiredString, stringList } from '../query.js';
import { el, itemSet } from '../xml.js';
import type { HandlerContext } from './shared.js';
import { requireEni, returnTrue } from './shared.js';

function subnetCidrOf(data: Ec2Data, eni: NetworkInterface): Cidr {
  const cidr = parseCidr(data.subnets.get(eni.subnetId)?.cidrBlock ?? '');
  if (!cidr) throw new Ec2ApiError('InternalError', 'An internal error has occurred', 500);
  return cidr;
}

function checkAddressInSubnet(address: string, cidr: Cidr): void {
  const ip = parseIpv4(address);
  if (ip === undefined)
    throw invalidParameterValue(`invalid value for parameter address: ${address}`);
  if (!cidrContains(cidr, ip)) {
    throw invalidParameterValue("Address does not fall within the subnet's address range");
  }
  if (isReservedInSubnet(cidr, ip)) {
    throw invalidParameterValue(`Address ${address} is in subnet's reserved address range`);
  }
}

function freeAddresses(data: Ec2Data, cidr: Cidr, count: number): string[] {
  const found: string[] = [];
  for (let offset = 0; offset < cidrSize(cidr) && found.length < count; offset++) {
    const ip = cidr.network + offset;
    const address = formatIpv4(ip);
    if (!isReservedInSubnet(cidr, ip) && !findEniByIp(data, address)) found.push(address);
  }
  if (found.length < count) {
    throw new Ec2ApiError(
      'InsufficientFreeAddressesInSubnet',
      'The specified subnet does not have enough free addresses to satisfy the request.',
    );
  }
  return found;
}

/** Moves `address` from `from` to `to`, and the EIP associated with it along. */
function moveAddress(data: Ec2Data, address: string, from: NetworkInterface, to: NetworkInterface) {
  from.privateIps = from.privateIps.filter((ip) => ip.address !== address);
  to.privateIps.push({ address, primary: false });
  const eip = eipForPrivateIp(data, from.networkInterfaceId, address);
  if (eip?.association) {
    eip.association = { ...eip.association, networkInterfaceId: to.networkInterfaceId };
  }
}

export function assignPrivateIpAddresses({ params, state }: HandlerContext) {
  const id = requiredString(params, 'NetworkInterfaceId');
  const requested = [...new Set(stringList(params, 'PrivateIpAddress'))];
  const count = optionalInteger(params, 'SecondaryPrivateIpAddressCount');
  const allowReassignment = optionalBoolean(params, 'AllowReassignment') ?? false;
  if (requested.length > 0 && count !== undefined) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'You may specify one and only one of privateIpAddresses or secondaryPrivateIpAddressCount.',
    );
  }
  if (requested.length === 0 && count === undefined) throw missingParameter('PrivateIpAddress');
  if (count !== undefined && count <= 0) {
    throw invalidParameterValue(
      `Value (${count}) for parameter secondaryPrivateIpAddressCount is invalid. Value must be a positive number.`,
    );
  }
  const assigned = state.write((data) => {
    const eni = requireEni(data, id);
    const cidr = subnetCidrOf(data, eni);
    const addresses = count === undefined ? requested : freeAddresses(data, cidr, count);
    for (const address of addresses) checkAddressInSubnet(address, cidr);
    const moveDenied: string[] = [];
    for (const address of addresses) {
      const owner = findEniByIp(data, address);
      const isPrimary = owner?.privateIps.some((ip) => ip.address === address && ip.primary);
      if (owner === eni) {
        // Already a secondary here: EC2 treats the call as done (idempotent).
        if (isPrimary) throw invalidParameterValue('secondary-addresses');
      } else if (owner && !allowReassignment) {
        moveDenied.push(address);
      } else if (owner) {
        // A primary address never moves (it would leave its ENI without one).
        if (isPrimary) throw invalidParameterValue('secondary-addresses');
        moveAddress(data, address, owner, eni);
      } else {
        eni.privateIps.push({ address, primary: false });
      }
    }
    if (moveDenied.length > 0) {
      throw invalidParameterValue(`[${moveDenied.join(', ')}] assigned, but move is not allowed.`);
    }
    return addresses;
  });
  return [
    el('networkInterfaceId', id),
    itemSet(
      'assignedPrivateIpAddressesSet',
      assigned.map((address) => [el('privateIpAddress', address)]),
    ),
    itemSet('assignedIpv4PrefixSet', []),
    el('return', true),
  ];
}

export function unassignPrivateIpAddresses({ params, state }: HandlerContext) {
  const id = requiredString(params, 'NetworkInterfaceId');
  const addresses = [...new Set(stringList(params, 'PrivateIpAddress'))];
  if (addresses.length === 0) throw missingParameter('PrivateIpAddress');
  state.write((data) => {
    const eni = requireEni(data, id);
    for (const address of addresses) {
      const ip = eni.privateIps.find((p) => p.address === address);
      if (!ip) {
        throw invalidParameterValue(
          `Some of the specified addresses are not assigned to interface ${id}`,
        );
      }
      if (ip.primary) {
        throw invalidParameterValue(
          `Value (${address}) for parameter privateIpAddress is invalid. The primary IP address of an interface cannot be unassigned.`,
        );
      }
    }
    for (const address of addresses) {
      // The address leaves the ENI, so does any EIP associated with it.
      const eip = eipForPrivateIp(data, id, address);
      if (eip) eip.association = undefined;
    }
    eni.privateIps = eni.privateIps.filter((ip) => !addresses.includes(ip.address));
  });
  return returnTrue;
}
