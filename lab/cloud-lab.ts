// A cloud for lab hosts: one EC2 emulator and one IMDSv2 fake per host, served from this (the
// root) namespace on the lab bridge, with a VPC whose instances are the lab hosts (their real
// addresses and MACs), an Elastic IP and two route tables. For the end-to-end test, the cloud
// benchmark and the demo.
import { createEc2Emulator, type Ec2Emulator } from './ec2-emulator/index.js';
import { createImdsFake, type ImdsFake } from './ec2-emulator/imds-fake.js';
import { imdsInterfacesFor } from './ec2-emulator/imds-interfaces.js';
import type { Lab, LabHost } from './lab.js';

export interface CloudHost {
  readonly host: LabHost;
  readonly instanceId: string;
  readonly networkInterfaceId: string;
  readonly imds: ImdsFake;
  readonly accessKeyId: string;
  /** Environment for floatd in this host: IMDS endpoint and credentials. */
  readonly env: Readonly<Record<string, string>>;
}

export interface CloudLab {
  readonly emulator: Ec2Emulator;
  readonly hosts: readonly CloudHost[];
  readonly subnetId: string;
  readonly allocationId: string;
  readonly routeTableIds: readonly string[];
  readonly region: string;
  /** The YAML `cloud:` block pointing floatd at this emulator. */
  cloudYaml(extra?: Record<string, string | number | boolean>): string;
  /** An instance's `cloud:` targets (its lines, indented): every kind, on this emulator's. */
  targetsYaml(): string[];
  close(): Promise<void>;
}

const REGION = 'eu-west-1';

/** A lab subnet for createCloudLab: 10.97.<1..254>, never the /16's reserved first /24. */
export function cloudLabSubnet(): string {
  return `10.97.${1 + Math.floor(Math.random() * 254)}`;
}

/** Requires `Lab.create({ rootAccess: true })`: the hosts reach the emulator at lab.rootAddress. */
export async function createCloudLab(lab: Lab, hosts: readonly LabHost[]): Promise<CloudLab> {
  if (lab.subnet.endsWith('.0')) {
    throw new Error(
      `lab subnet ${lab.subnet}.0/24 holds EC2's reserved addresses: use cloudLabSubnet()`,
    );
  }
  const credentials = Object.fromEntries(
    hosts.map((h) => [`AKIAFLOATDLAB${h.index}XXXXX`, `lab-secret-${h.index}`]),
  );
  const emulator = await createEc2Emulator({
    host: lab.rootAddress,
    region: REGION,
    credentials,
  });
  const fakes: ImdsFake[] = [];
  try {
    const { state } = emulator;
    // EC2 reserves the first four addresses of a subnet, and the lab hosts are .1, .2, ...: the
    // subnet is the lab's /16 (cloudLabSubnet() keeps the hosts off its first /24).
    const cidr16 = `${lab.subnet.split('.').slice(0, 2).join('.')}.0.0/16`;
    const vpcId = state.addVpc(cidr16);
    const subnetId = state.addSubnet(vpcId, cidr16, `${REGION}a`);
    const cloudHosts: CloudHost[] = [];
    for (const host of hosts) {
      const added = state.addInstance({ subnetId, privateIp: host.ip, mac: await host.mac() });
      const imds = await createImdsFake({
        host: lab.rootAddress,
        instanceId: added.instanceId,
        region: REGION,
        availabilityZone: `${REGION}a`,
        interfaces: () => imdsInterfacesFor(state, added.instanceId),
      });
      fakes.push(imds);
      const accessKeyId = `AKIAFLOATDLAB${host.index}XXXXX`;
      cloudHosts.push({
        host,
        instanceId: added.instanceId,
        networkInterfaceId: added.networkInterfaceId,
        imds,
        accessKeyId,
        env: {
          FLOATD_IMDS_ENDPOINT: imds.endpoint,
          AWS_ACCESS_KEY_ID: accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials[accessKeyId] ?? '',
          AWS_REGION: REGION,
          // The SDK must not look for an instance profile at the real link-local address.
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      });
    }
    const allocationId = state.addElasticIp();
    const routeTableIds = [state.addRouteTable(vpcId), state.addRouteTable(vpcId)];
    return {
      emulator,
      hosts: cloudHosts,
      subnetId,
      allocationId,
      routeTableIds,
      region: REGION,
      cloudYaml: (extra = {}) =>
        [
          'cloud:',
          `  endpoint: ${emulator.endpoint}`,
          ...Object.entries(extra).map(([key, value]) => `  ${key}: ${String(value)}`),
        ].join('\n'),
      targetsYaml: () => [
        '    cloud:',
        '      - type: secondary-ip',
        '      - type: elastic-ip',
        `        allocationId: ${allocationId}`,
        '      - type: route-table',
        `        routeTableIds: [${routeTableIds.join(', ')}]`,
      ],
      close: async () => {
        await Promise.all(fakes.map((f) => f.close()));
        await emulator.close();
      },
    };
  } catch (error) {
    await Promise.all(fakes.map((f) => f.close()));
    await emulator.close();
    throw error;
  }
}
