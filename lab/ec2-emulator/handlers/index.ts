// The actions the emulator answers; anything else is InvalidAction.

import { associateAddress, describeAddresses, disassociateAddress } from './addresses.js';
import { describeInstances } from './instances.js';
import {
  describeNetworkInterfaceAttribute,
  describeNetworkInterfaces,
  modifyNetworkInterfaceAttribute,
} from './network-interfaces.js';
import { assignPrivateIpAddresses, unassignPrivateIpAddresses } from './private-ips.js';
import { createRoute, describeRouteTables, replaceRoute } from './route-tables.js';
import type { ActionSpec } from './shared.js';
import { createTags, describeTags } from './tags.js';

export type { ActionSpec, Handler, HandlerContext } from './shared.js';

export const actions: ReadonlyMap<string, ActionSpec> = new Map<string, ActionSpec>([
  ['DescribeInstances', { handler: describeInstances, describe: true }],
  ['DescribeNetworkInterfaces', { handler: describeNetworkInterfaces, describe: true }],
  [
    'DescribeNetworkInterfaceAttribute',
    { handler: describeNetworkInterfaceAttribute, describe: true },
  ],
  [
    'ModifyNetworkInterfaceAttribute',
    { handler: modifyNetworkInterfaceAttribute, describe: false },
  ],
  ['AssignPrivateIpAddresses', { handler: assignPrivateIpAddresses, describe: false }],
  ['UnassignPrivateIpAddresses', { handler: unassignPrivateIpAddresses, describe: false }],
  ['DescribeAddresses', { handler: describeAddresses, describe: true }],
  ['AssociateAddress', { handler: associateAddress, describe: false }],
  ['DisassociateAddress', { handler: disassociateAddress, describe: false }],
  ['DescribeRouteTables', { handler: describeRouteTables, describe: true }],
  ['CreateRoute', { handler: createRoute, describe: false }],
  ['ReplaceRoute', { handler: replaceRoute, describe: false }],
  ['CreateTags', { handler: createTags, describe: false }],
  ['DescribeTags', { handler: describeTags, describe: true }],
]);
