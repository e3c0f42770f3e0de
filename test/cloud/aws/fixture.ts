// Two EC2 instances in one emulated VPC, each with its own EC2 client (real SDK over HTTP) and
// AwsProvider: the shape of an HA pair. Host B starts with the VIP and the route in rtb1.
import type { EC2Client } from '@aws-sdk/client-ec2';
import { AwsProvider } from '../../../src/cloud/aws/aws-provider.js';
import type { CallEvent, CallObserver } from '../../../src/cloud/aws/call.js';
import { createEc2Client } from '../../../src/cloud/aws/ec2-client.js';
import { createEc2Emulator, type Ec2Emulator } from '../../../lab/ec2-emulator/server.js';
import type {
  ElasticIpTarget,
  RouteTableTarget,
  SecondaryIpTarget,
} from '../../../src/cloud/target.js';

export const ACCESS_KEY_ID = 'AKIDFLOATDTEST000001';
export const SECRET_ACCESS_KEY = 'floatd-test-secret-access-key-000000000';
export const VIP = '10.0.1.50';
export const ROUTED_CIDR = '192.168.100.10/32';

export interface Host {
  readonly name: 'a' | 'b';
  readonly instanceId: string;
  readonly networkInterfaceId: string;
  readonly mac: string;
  readonly privateIp: string;
  readonly client: EC2Client;
  readonly provider: AwsProvider;
  /** Every EC2 call this host's provider made (observer events). */
  readonly events: CallEvent[];
}

export interface Fixture {
  readonly emulator: Ec2Emulator;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly allocationId: string;
  readonly routeTableIds: readonly [string, string];
  readonly a: Host;
  readonly b: Host;
  readonly secondaryIp: SecondaryIpTarget;
  readonly route: RouteTableTarget;
  /** Each host maps the EIP to its own primary address. */
  eipFor(host: Host): ElasticIpTarget;
  /** A client with other settings (bad credentials, short timeout) on the same emulator. */
  client(options?: { accessKeyId?: string; callTimeoutMs?: number }): EC2Client;
  close(): Promise<void>;
}

export async function createFixture(options: { callTimeoutMs?: number } = {}): Promise<Fixture> {
  const callTimeoutMs = options.callTimeoutMs ?? 2_000;
  const emulator = await createEc2Emulator({
    region: 'eu-west-1',
    credentials: { [ACCESS_KEY_ID]: SECRET_ACCESS_KEY },
    seed: 7,
  });
  const state = emulator.state;
  const vpcId = state.addVpc('10.0.0.0/16');
  const subnetId = state.addSubnet(vpcId, '10.0.1.0/24');
  const a = state.addInstance({ subnetId, privateIp: '10.0.1.11' });
  const b = state.addInstance({ subnetId, privateIp: '10.0.1.12', secondaryIps: [VIP] });
  const allocationId = state.addElasticIp();
  // The EIP starts unassociated; rtb1 routes the destination to B, rtb2 has no such route.
  const rtb1 = state.addRouteTable(vpcId, [
    { destinationCidrBlock: ROUTED_CIDR, networkInterfaceId: b.networkInterfaceId },
  ]);
  const rtb2 = state.addRouteTable(vpcId);

  const clients: EC2Client[] = [];
  const client = (o: { accessKeyId?: string; callTimeoutMs?: number } = {}): EC2Client => {
    const c = createEc2Client({
      region: emulator.region,
      endpoint: emulator.endpoint,
      callTimeoutMs: o.callTimeoutMs ?? callTimeoutMs,
      credentials: {
        accessKeyId: o.accessKeyId ?? ACCESS_KEY_ID,
        secretAccessKey: SECRET_ACCESS_KEY,
      },
    });
    clients.push(c);
    return c;
  };
  const host = (
    name: 'a' | 'b',
    added: { instanceId: string; networkInterfaceId: string; mac: string },
    privateIp: string,
  ): Host => {
    const events: CallEvent[] = [];
    const observer: CallObserver = (event) => events.push(event);
    const c = client();
    const provider = new AwsProvider({
      client: c,
      identity: {
        instanceId: added.instanceId,
        networkInterfaceId: added.networkInterfaceId,
        subnetId,
        region: emulator.region,
        vpcId,
      },
      callTimeoutMs,
      observer,
    });
    return { name, ...added, privateIp, client: c, provider, events };
  };
  const hostA = host('a', a, '10.0.1.11');
  const hostB = host('b', b, '10.0.1.12');
  const fixture: Fixture = {
    emulator,
    vpcId,
    subnetId,
    allocationId,
    routeTableIds: [rtb1, rtb2],
    a: hostA,
    b: hostB,
    secondaryIp: { kind: 'secondary-ip', address: VIP },
    route: { kind: 'route-table', routeTableIds: [rtb1, rtb2], destinationCidr: ROUTED_CIDR },
    eipFor: (h) => ({ kind: 'elastic-ip', allocationId, privateIp: h.privateIp }),
    client,
    close: async () => {
      for (const c of clients) c.destroy();
      await emulator.close();
    },
  };
  return fixture;
}

/** The EC2 actions the emulator saw, in order, optionally since index `from`. */
export function actionsSeen(emulator: Ec2Emulator, from = 0): string[] {
  return emulator.requests.slice(from).map((r) => r.action);
}
