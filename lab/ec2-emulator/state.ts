// The emulator's state: builders for tests and the demo, readers for assertions, and a
// versioned history so Describe* calls can read the state as it was `describeLagMs` ago
// (EC2 is eventually consistent: "Eventual consistency in the Amazon EC2 API").

import { cidrContains, isReservedInSubnet, parseCidr, parseIpv4 } from './ipv4.js';
import type {
  Ec2Data,
  InstanceStateName,
  NetworkInterface,
  Route,
  RouteTableAssociation,
  RouteTarget,
} from './model.js';
import { emptyData, findEniByIp, resourceExists } from './model.js';
import type { EmulatorPrng } from './prng.js';
import { StateHistory } from './state-history.js';

/** A builder was called with something EC2 could never hold (a test or seed-file bug). */
export class EmulatorSetupError extends Error {
  readonly code = 'EMULATOR_SETUP';

  constructor(message: string) {
    super(message);
    this.name = 'EmulatorSetupError';
  }
}

export interface AddInstanceOptions {
  readonly subnetId: string;
  readonly privateIp: string;
  readonly mac?: string;
  readonly secondaryIps?: readonly string[];
  readonly instanceType?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface AddedInstance {
  readonly instanceId: string;
  readonly networkInterfaceId: string;
  readonly mac: string;
}

export interface AddNetworkInterfaceOptions {
  readonly subnetId: string;
  readonly privateIp: string;
  readonly mac?: string;
  readonly secondaryIps?: readonly string[];
  /** Attach to this instance at the next device index. */
  readonly instanceId?: string;
  readonly description?: string;
}

export interface RouteSpec {
  readonly destinationCidrBlock: string;
  readonly networkInterfaceId?: string;
  /** Resolved to the instance's primary ENI, as EC2 does. */
  readonly instanceId?: string;
  readonly gatewayId?: string;
}

export interface RouteView {
  readonly destinationCidrBlock: string;
  readonly origin: string;
  readonly gatewayId?: string;
  readonly networkInterfaceId?: string;
  readonly instanceId?: string;
}

export interface EipAssociationView {
  readonly associationId: string;
  readonly networkInterfaceId: string;
  readonly privateIpAddress: string;
  readonly instanceId?: string;
}

export interface Ec2StateOptions {
  readonly region: string;
  readonly rng: EmulatorPrng;
  /** Epoch ms; the history's timestamps. */
  readonly nowMs: () => number;
  /** How far back reads may look; older snapshots are dropped. */
  readonly retentionMs: () => number;
}

export class Ec2State {
  readonly region: string;
  private data: Ec2Data = emptyData();
  private readonly history: StateHistory;
  private publicIpCounter = 10;
  private readonly options: Ec2StateOptions;

  constructor(options: Ec2StateOptions) {
    this.options = options;
    this.region = options.region;
    this.history = new StateHistory(options.nowMs, options.retentionMs);
    this.history.reset(this.data);
  }

  // ---- ids -------------------------------------------------------------------------------

  newId(prefix: string): string {
    return `${prefix}${this.options.rng.hex(17)}`;
  }

  /** A locally administered unicast MAC, like the `0a:`/`02:` ones EC2 hands out. */
  newMac(): string {
    const bytes = [0x0a];
    for (let i = 0; i < 5; i++) bytes.push(Math.floor(this.options.rng.float() * 256));
    return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
  }

  // ---- builders (setup: visible at once, even to lagged reads) ----------------------------

  addVpc(cidrBlock: string): string {
    if (!parseCidr(cidrBlock)) throw new EmulatorSetupError(`bad VPC CIDR ${cidrBlock}`);
    return this.setup((data) => {
      const vpcId = this.newId('vpc-');
      data.vpcs.set(vpcId, { vpcId, cidrBlock });
      return vpcId;
    });
  }

  addSubnet(vpcId: string, cidrBlock: string, availabilityZone?: string): string {
    const vpc = this.data.vpcs.get(vpcId);
    const cidr = parseCidr(cidrBlock);
    if (!vpc) throw new EmulatorSetupError(`no VPC ${vpcId}`);
    const vpcCidr = parseCidr(vpc.cidrBlock);
    if (!cidr || !vpcCidr || cidr.prefixLength < vpcCidr.prefixLength) {
      throw new EmulatorSetupError(`subnet ${cidrBlock} is not inside ${vpc.cidrBlock}`);
    }
    if (!cidrContains(vpcCidr, cidr.network)) {
      throw new EmulatorSetupError(`subnet ${cidrBlock} is not inside ${vpc.cidrBlock}`);
    }
    return this.setup((data) => {
      const subnetId = this.newId('subnet-');
      data.subnets.set(subnetId, {
        subnetId,
        vpcId,
        cidrBlock,
        availabilityZone: availabilityZone ?? `${this.region}a`,
      });
      return subnetId;
    });
  }

  addInstance(options: AddInstanceOptions): AddedInstance {
    const subnet = this.data.subnets.get(options.subnetId);
    if (!subnet) throw new EmulatorSetupError(`no subnet ${options.subnetId}`);
    const instanceId = this.newId('i-');
    const eni = this.setup((data) => {
      data.instances.set(instanceId, {
        instanceId,
        subnetId: subnet.subnetId,
        vpcId: subnet.vpcId,
        availabilityZone: subnet.availabilityZone,
        reservationId: this.newId('r-'),
        imageId: 'ami-0abcdef1234567890',
        instanceType: options.instanceType ?? 't3.micro',
        launchTimeMs: Math.floor(this.options.nowMs()),
        state: 'running',
        networkInterfaceIds: [],
      });
      if (options.tags) data.tags.set(instanceId, new Map(Object.entries(options.tags)));
      return this.createEni(data, { ...options, instanceId });
    });
    return { instanceId, networkInterfaceId: eni.networkInterfaceId, mac: eni.macAddress };
  }

  addNetworkInterface(options: AddNetworkInterfaceOptions): {
    networkInterfaceId: string;
    mac: string;
  } {
    const eni = this.setup((data) => this.createEni(data, options));
    return { networkInterfaceId: eni.networkInterfaceId, mac: eni.macAddress };
  }

  addElasticIp(publicIp?: string, tags?: Readonly<Record<string, string>>): string {
    const address = publicIp ?? this.nextPublicIp();
    if (parseIpv4(address) === undefined) throw new EmulatorSetupError(`bad public IP ${address}`);
    for (const eip of this.data.elasticIps.values()) {
      if (eip.publicIp === address) throw new EmulatorSetupError(`EIP ${address} exists`);
    }
    return this.setup((data) => {
      const allocationId = this.newId('eipalloc-');
      data.elasticIps.set(allocationId, {
        allocationId,
        publicIp: address,
        association: undefined,
      });
      if (tags) data.tags.set(allocationId, new Map(Object.entries(tags)));
      return allocationId;
    });
  }

  addRouteTable(
    vpcId: string,
    routeSpecs: readonly RouteSpec[] = [],
    options: { main?: boolean; subnetIds?: readonly string[] } = {},
  ): string {
    const vpc = this.data.vpcs.get(vpcId);
    if (!vpc) throw new EmulatorSetupError(`no VPC ${vpcId}`);
    return this.setup((data) => {
      const routeTableId = this.newId('rtb-');
      const routes: Route[] = [
        {
          destinationCidrBlock: vpc.cidrBlock,
          target: { kind: 'local' },
          origin: 'CreateRouteTable',
        },
      ];
      for (const spec of routeSpecs) {
        if (!parseCidr(spec.destinationCidrBlock)) {
          throw new EmulatorSetupError(`bad route destination ${spec.destinationCidrBlock}`);
        }
        if (routes.some((r) => r.destinationCidrBlock === spec.destinationCidrBlock)) {
          throw new EmulatorSetupError(`duplicate route ${spec.destinationCidrBlock}`);
        }
        routes.push({
          destinationCidrBlock: spec.destinationCidrBlock,
          target: this.routeTargetOf(data, spec),
          origin: 'CreateRouteTable',
        });
      }
      const associations: RouteTableAssociation[] = [];
      if (options.main) {
        associations.push({
          routeTableAssociationId: this.newId('rtbassoc-'),
          main: true,
          subnetId: undefined,
        });
      }
      for (const subnetId of options.subnetIds ?? []) {
        if (!data.subnets.has(subnetId)) throw new EmulatorSetupError(`no subnet ${subnetId}`);
        associations.push({
          routeTableAssociationId: this.newId('rtbassoc-'),
          main: false,
          subnetId,
        });
      }
      data.routeTables.set(routeTableId, { routeTableId, vpcId, routes, associations });
      return routeTableId;
    });
  }

  /** Associates an EIP with an ENI's address (its primary by default); returns the association id. */
  associateElasticIp(allocationId: string, networkInterfaceId: string, privateIp?: string): string {
    const eip = this.data.elasticIps.get(allocationId);
    const eni = this.data.networkInterfaces.get(networkInterfaceId);
    if (!eip || !eni) throw new EmulatorSetupError(`no ${eip ? networkInterfaceId : allocationId}`);
    const address = privateIp ?? eni.privateIps.find((ip) => ip.primary)?.address ?? '';
    if (!eni.privateIps.some((ip) => ip.address === address)) {
      throw new EmulatorSetupError(`${address} is not on ${networkInterfaceId}`);
    }
    return this.setup((data) => {
      const associationId = this.newId('eipassoc-');
      const target = data.elasticIps.get(allocationId);
      if (target)
        target.association = { associationId, networkInterfaceId, privateIpAddress: address };
      return associationId;
    });
  }

  /**
   * The instance's lifecycle state as DescribeInstances reports it, changed as EC2 changes it
   * (a write: reads lag it like any other). Stopping it here stops nothing in the lab: the test
   * stops the host itself.
   */
  setInstanceState(instanceId: string, state: InstanceStateName): void {
    if (!this.data.instances.has(instanceId)) throw new EmulatorSetupError(`no ${instanceId}`);
    this.write((data) => {
      const instance = data.instances.get(instanceId);
      if (instance) instance.state = state;
    });
  }

  addTags(resourceId: string, tags: Readonly<Record<string, string>>): void {
    if (!resourceExists(this.data, resourceId)) throw new EmulatorSetupError(`no ${resourceId}`);
    this.setup((data) => {
      const map = data.tags.get(resourceId) ?? new Map<string, string>();
      for (const [key, value] of Object.entries(tags)) map.set(key, value);
      data.tags.set(resourceId, map);
    });
  }

  // ---- readers (the current, strongly consistent state) -----------------------------------

  eniOf(privateIp: string): string | undefined {
    return findEniByIp(this.data, privateIp)?.networkInterfaceId;
  }

  privateIpsOf(networkInterfaceId: string): string[] {
    return (this.data.networkInterfaces.get(networkInterfaceId)?.privateIps ?? []).map(
      (ip) => ip.address,
    );
  }

  instanceOf(networkInterfaceId: string): string | undefined {
    return this.data.networkInterfaces.get(networkInterfaceId)?.attachment?.instanceId;
  }

  eipAssociation(allocationId: string): EipAssociationView | undefined {
    const association = this.data.elasticIps.get(allocationId)?.association;
    if (!association) return undefined;
    const instanceId = this.instanceOf(association.networkInterfaceId);
    return { ...association, ...(instanceId ? { instanceId } : {}) };
  }

  route(routeTableId: string, destinationCidrBlock: string): RouteView | undefined {
    const table = this.data.routeTables.get(routeTableId);
    const route = table?.routes.find((r) => r.destinationCidrBlock === destinationCidrBlock);
    if (!route) return undefined;
    const base = { destinationCidrBlock, origin: route.origin };
    switch (route.target.kind) {
      case 'local':
        return { ...base, gatewayId: 'local' };
      case 'gateway':
        return { ...base, gatewayId: route.target.gatewayId };
      case 'network-interface': {
        const instanceId = this.instanceOf(route.target.networkInterfaceId);
        return {
          ...base,
          networkInterfaceId: route.target.networkInterfaceId,
          ...(instanceId ? { instanceId } : {}),
        };
      }
    }
  }

  tagsOf(resourceId: string): Record<string, string> {
    return Object.fromEntries(this.data.tags.get(resourceId) ?? []);
  }

  sourceDestCheck(networkInterfaceId: string): boolean | undefined {
    return this.data.networkInterfaces.get(networkInterfaceId)?.sourceDestCheck;
  }

  // ---- for the handlers -------------------------------------------------------------------

  /** The live state; mutate it only inside write(). */
  get current(): Ec2Data {
    return this.data;
  }

  /** The state as it was at `atMs` (the oldest kept snapshot if none is that old). */
  viewAt(atMs: number): Ec2Data {
    return this.history.at(atMs) ?? this.data;
  }

  /** Runs one API write atomically: on a throw the state is left as it was. */
  write<T>(change: (data: Ec2Data) => T): T {
    try {
      const result = change(this.data);
      this.history.commit(this.data);
      return result;
    } catch (error) {
      this.data = this.history.lastCommitted() ?? this.data;
      throw error;
    }
  }

  // ---- internals --------------------------------------------------------------------------

  private setup<T>(change: (data: Ec2Data) => T): T {
    const result = this.write(change);
    this.history.reset(this.data);
    return result;
  }

  private nextPublicIp(): string {
    // Documentation ranges (RFC 5737): never a real host.
    const n = this.publicIpCounter++;
    return n < 250 ? `203.0.113.${n}` : `198.51.100.${(n - 250) % 250}`;
  }

  private createEni(data: Ec2Data, options: AddNetworkInterfaceOptions): NetworkInterface {
    const subnet = data.subnets.get(options.subnetId);
    if (!subnet) throw new EmulatorSetupError(`no subnet ${options.subnetId}`);
    const cidr = parseCidr(subnet.cidrBlock);
    const addresses = [options.privateIp, ...(options.secondaryIps ?? [])];
    for (const address of addresses) {
      const ip = parseIpv4(address);
      if (!cidr || ip === undefined || !cidrContains(cidr, ip) || isReservedInSubnet(cidr, ip)) {
        throw new EmulatorSetupError(`${address} is not a usable address of ${subnet.cidrBlock}`);
      }
      if (findEniByIp(data, address)) throw new EmulatorSetupError(`${address} is in use`);
    }
    const mac = options.mac ?? this.newMac();
    for (const other of data.networkInterfaces.values()) {
      if (other.macAddress === mac) throw new EmulatorSetupError(`MAC ${mac} is in use`);
    }
    const instance = options.instanceId ? data.instances.get(options.instanceId) : undefined;
    if (options.instanceId && !instance) {
      throw new EmulatorSetupError(`no instance ${options.instanceId}`);
    }
    const eni: NetworkInterface = {
      networkInterfaceId: this.newId('eni-'),
      macAddress: mac,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      description: options.description ?? '',
      attachment: instance
        ? {
            attachmentId: this.newId('eni-attach-'),
            instanceId: instance.instanceId,
            deviceIndex: instance.networkInterfaceIds.length,
            attachTimeMs: Math.floor(this.options.nowMs()),
          }
        : undefined,
      privateIps: addresses.map((address, i) => ({ address, primary: i === 0 })),
      sourceDestCheck: true,
    };
    data.networkInterfaces.set(eni.networkInterfaceId, eni);
    instance?.networkInterfaceIds.push(eni.networkInterfaceId);
    return eni;
  }

  private routeTargetOf(data: Ec2Data, spec: RouteSpec): RouteTarget {
    if (spec.gatewayId) return { kind: 'gateway', gatewayId: spec.gatewayId };
    const eniId = spec.instanceId
      ? data.instances.get(spec.instanceId)?.networkInterfaceIds[0]
      : spec.networkInterfaceId;
    if (!eniId || !data.networkInterfaces.has(eniId)) {
      throw new EmulatorSetupError(`route ${spec.destinationCidrBlock} has no valid target`);
    }
    return { kind: 'network-interface', networkInterfaceId: eniId };
  }
}
