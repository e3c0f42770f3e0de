// An HA pair for the cloud reconciler under EC2 faults: one emulator over HTTP, two agents (A, B),
// each with its own access key (the emulator's request log tells them apart), real SDK client,
// AwsProvider and Reconciler with all three target kinds. Each agent records when it was MASTER.
import type { EC2Client } from '@aws-sdk/client-ec2';
import pino from 'pino';
import { AwsProvider } from '../../src/cloud/aws/aws-provider.js';
import type { CallEvent } from '../../src/cloud/aws/call.js';
import { createEc2Client } from '../../src/cloud/aws/ec2-client.js';
import {
  createEc2Emulator,
  type Ec2Emulator,
  type RecordedRequest,
} from '../../lab/ec2-emulator/index.js';
import { EmulatorPrng } from '../../lab/ec2-emulator/prng.js';
import { Reconciler } from '../../src/cloud/reconciler.js';
import type { ReconcilerSettings } from '../../src/cloud/reconcile/settings.js';
import type { CloudTarget } from '../../src/cloud/target.js';
import { epochNowMs, realTiming } from '../../src/cloud/timing.js';

export const VIP = '10.0.1.50';
export const ROUTED_CIDR = '192.168.100.10/32';
const SECRET = 'floatd-fault-test-secret-0000000000000';

/** One stint as MASTER: from becomeMaster until becomeBackup was called and until it resolved. */
export interface MasterWindow {
  readonly fromMs: number;
  calledBackupAtMs?: number;
  resolvedBackupAtMs?: number;
}

export interface FaultAgent {
  readonly name: 'A' | 'B';
  readonly accessKeyId: string;
  readonly instanceId: string;
  readonly networkInterfaceId: string;
  readonly reconciler: Reconciler;
  /** Every EC2 call its provider made (the client side: when each was sent). */
  readonly events: CallEvent[];
  readonly windows: MasterWindow[];
  becomeMaster(): void;
  becomeBackup(): Promise<void>;
}

export interface Owners {
  readonly secondaryIp: string | undefined;
  readonly elasticIp: string | undefined;
  /** Per route table, in the order of routeTableIds. */
  readonly routes: readonly (string | undefined)[];
}

export interface FaultPair {
  readonly emulator: Ec2Emulator;
  readonly a: FaultAgent;
  readonly b: FaultAgent;
  readonly routeTableIds: readonly [string, string];
  /** Who EC2 (strongly consistent, not lagged) says owns each target now. */
  owners(): Owners;
  /** The agent that sent a request, by its access key. */
  agentOf(request: RecordedRequest): string;
  close(): Promise<void>;
}

export interface FaultPairOptions {
  readonly seed: number;
  readonly callTimeoutMs: number;
  readonly settings: Partial<ReconcilerSettings>;
}

export async function createFaultPair(options: FaultPairOptions): Promise<FaultPair> {
  const keys = { A: 'AKIDFLOATDFAULTAGENTA', B: 'AKIDFLOATDFAULTAGENTB' } as const;
  const emulator = await createEc2Emulator({
    region: 'eu-west-1',
    credentials: { [keys.A]: SECRET, [keys.B]: SECRET },
    seed: options.seed,
  });
  const { state } = emulator;
  const vpcId = state.addVpc('10.0.0.0/16');
  const subnetId = state.addSubnet(vpcId, '10.0.1.0/24');
  const hostA = state.addInstance({ subnetId, privateIp: '10.0.1.11' });
  // B starts with the VIP and the route in rtb1; rtb2 lacks the route (the first claim creates it).
  const hostB = state.addInstance({ subnetId, privateIp: '10.0.1.12', secondaryIps: [VIP] });
  const allocationId = state.addElasticIp();
  const rtb1 = state.addRouteTable(vpcId, [
    { destinationCidrBlock: ROUTED_CIDR, networkInterfaceId: hostB.networkInterfaceId },
  ]);
  const rtb2 = state.addRouteTable(vpcId);
  const routeTableIds = [rtb1, rtb2] as const;

  const clients: EC2Client[] = [];
  // FLOATD_FAULT_LOG=<file>: the agents' logs as JSON lines, to read a failing run.
  const logFile = process.env.FLOATD_FAULT_LOG;
  const logger =
    logFile === undefined
      ? pino({ level: 'silent' })
      : pino({ level: 'debug' }, pino.destination({ dest: logFile, sync: true }));
  // Backoff jitter from one seeded stream (both agents): closer to a replay; time itself is real.
  const jitter = new EmulatorPrng(options.seed ^ 0x9e3779b9);

  const agent = (
    name: 'A' | 'B',
    added: { instanceId: string; networkInterfaceId: string },
    privateIp: string,
  ): FaultAgent => {
    const client = createEc2Client({
      region: emulator.region,
      endpoint: emulator.endpoint,
      callTimeoutMs: options.callTimeoutMs,
      credentials: { accessKeyId: keys[name], secretAccessKey: SECRET },
    });
    clients.push(client);
    const events: CallEvent[] = [];
    const provider = new AwsProvider({
      client,
      identity: { ...added, subnetId, region: emulator.region, vpcId },
      callTimeoutMs: options.callTimeoutMs,
      observer: (event) => events.push(event),
    });
    const targets: CloudTarget[] = [
      { kind: 'secondary-ip', address: VIP },
      { kind: 'elastic-ip', allocationId, privateIp },
      { kind: 'route-table', routeTableIds, destinationCidr: ROUTED_CIDR },
    ];
    const reconciler = new Reconciler({
      instance: 'vi1',
      targets,
      logger: logger.child({ agent: name }),
      settings: options.settings,
      timing: { ...realTiming, random: () => jitter.float() },
    });
    reconciler.setProvider(provider);
    const windows: MasterWindow[] = [];
    return {
      name,
      accessKeyId: keys[name],
      ...added,
      reconciler,
      events,
      windows,
      becomeMaster: () => {
        const atMs = epochNowMs();
        windows.push({ fromMs: atMs });
        reconciler.becomeMaster(atMs);
      },
      becomeBackup: async () => {
        const window = windows[windows.length - 1];
        if (window !== undefined) window.calledBackupAtMs = epochNowMs();
        await reconciler.becomeBackup();
        if (window !== undefined) window.resolvedBackupAtMs = epochNowMs();
      },
    };
  };

  const a = agent('A', hostA, '10.0.1.11');
  const b = agent('B', hostB, '10.0.1.12');
  const names = new Map<string, string>([
    [keys.A, 'A'],
    [keys.B, 'B'],
  ]);
  return {
    emulator,
    a,
    b,
    routeTableIds,
    owners: () => ({
      secondaryIp: state.eniOf(VIP),
      elasticIp: state.eipAssociation(allocationId)?.networkInterfaceId,
      routes: routeTableIds.map((rtb) => state.route(rtb, ROUTED_CIDR)?.networkInterfaceId),
    }),
    agentOf: (request) => names.get(request.accessKeyId) ?? `?${request.accessKeyId}`,
    close: async () => {
      await Promise.all([a.reconciler.stop(), b.reconciler.stop()]);
      for (const client of clients) client.destroy();
      await emulator.close();
    },
  };
}

/** Every target on `eni`. */
export function allOn(owners: Owners, eni: string): boolean {
  return (
    owners.secondaryIp === eni && owners.elasticIp === eni && owners.routes.every((r) => r === eni)
  );
}

/** Polls `check` every few ms until it holds; false once `timeoutMs` has passed. */
export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = epochNowMs() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (epochNowMs() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The request log as lines (time since `originMs`, agent, action, resource, outcome): for a finding. */
export function formatRequests(
  requests: readonly RecordedRequest[],
  originMs: number,
  agentOf: (r: RecordedRequest) => string,
): string {
  return requests
    .map((r) => {
      const p = r.params;
      const outcome = r.status === 200 ? 'ok' : `${r.status} ${r.errorCode ?? ''}`;
      const fault =
        r.fault === undefined ? '' : ` [${r.fault}${r.delayMs > 0 ? ` +${r.delayMs} ms` : ''}]`;
      const resource =
        p.RouteTableId ??
        p.AllocationId ??
        p['AllocationId.1'] ??
        p['ResourceId.1'] ??
        p['Filter.1.Value.1'] ??
        p['RouteTableId.1'] ??
        '';
      // A claim names the ENI; a fence write its record (without the long owner id).
      const what = p.NetworkInterfaceId ?? p['Tag.1.Value']?.replace(/ owner=\S+/, '') ?? '';
      const atMs = (r.atMs - originMs).toFixed(0).padStart(6);
      return `${atMs} ms ${agentOf(r)} ${r.action} ${resource} ${outcome}${fault} ${what}`;
    })
    .join('\n');
}
