// unicast.probe: ec2 (issue 14, Build 4): the EC2 read of the split-brain probe with the real SDK
// against the EC2 emulator over HTTP. One DescribeInstances filtered by the peer's private
// address (any of its ENIs' addresses) and our VPC: running is reachable; stopped, stopping, no
// instance holding the address, or the address only in another VPC are not; a throttled, failed
// or hung call is unknown, within the call timeout, and never reachable.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { createEc2Client } from '../../src/cloud/aws/ec2-client.js';
import {
  instanceStatesByPrivateIp,
  peerInstanceReachability,
} from '../../src/cloud/aws/peer-instance.js';
import type { CallEvent } from '../../src/cloud/aws/call.js';
import { createEc2Emulator, type Ec2Emulator } from '../../lab/ec2-emulator/index.js';
import { epochNowMs } from '../../src/cloud/timing.js';

const KEY = 'AKIDFLOATDPEERPROBE0';
const SECRET = 'floatd-peer-probe-secret-0000000000000';
const CALL_TIMEOUT_MS = 500;

describe('EC2 peer probe: is the instance holding the peer address running?', () => {
  let emulator: Ec2Emulator;
  let client: EC2Client;
  let vpcId: string;
  let peerId: string;
  const calls: CallEvent[] = [];
  const deps = () => ({
    client,
    context: { timeoutMs: CALL_TIMEOUT_MS, observer: (e: CallEvent) => calls.push(e) },
  });

  beforeAll(async () => {
    emulator = await createEc2Emulator({
      region: 'eu-west-1',
      credentials: { [KEY]: SECRET },
      seed: 14,
    });
    const { state } = emulator;
    vpcId = state.addVpc('10.0.0.0/16');
    const subnetId = state.addSubnet(vpcId, '10.0.1.0/24');
    state.addInstance({ subnetId, privateIp: '10.0.1.11' });
    peerId = state.addInstance({
      subnetId,
      privateIp: '10.0.1.12',
      secondaryIps: ['10.0.1.60'],
    }).instanceId;
    // The same address in another VPC of the account: not our peer.
    const otherVpc = state.addVpc('10.1.0.0/16');
    const otherSubnet = state.addSubnet(otherVpc, '10.1.1.0/24');
    state.addInstance({ subnetId: otherSubnet, privateIp: '10.1.1.12' });
    client = createEc2Client({
      region: emulator.region,
      endpoint: emulator.endpoint,
      callTimeoutMs: CALL_TIMEOUT_MS,
      credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
    });
  });

  afterAll(async () => {
    client?.destroy();
    await emulator?.close();
  });

  beforeEach(() => {
    Object.assign(emulator.faults, { throttleRate: 0, serverErrorRate: 0, timeoutRate: 0 });
    emulator.state.setInstanceState(peerId, 'running');
    calls.length = 0;
  });

  it('running: reachable, in one DescribeInstances', async () => {
    expect(await peerInstanceReachability(deps(), '10.0.1.12', vpcId)).toBe('reachable');
    expect(calls.map((c) => [c.call, c.outcome])).toEqual([['DescribeInstances', 'ok']]);
    // A secondary address of the peer's ENI finds it too; so does a lookup without the VPC.
    expect(await peerInstanceReachability(deps(), '10.0.1.60', vpcId)).toBe('reachable');
    expect(await peerInstanceReachability(deps(), '10.0.1.12', undefined)).toBe('reachable');
  });

  it.each(['stopped', 'stopping', 'pending', 'shutting-down', 'terminated'] as const)(
    '%s: not reachable',
    async (state) => {
      emulator.state.setInstanceState(peerId, state);
      expect(await instanceStatesByPrivateIp(deps(), '10.0.1.12', vpcId)).toEqual([state]);
      expect(await peerInstanceReachability(deps(), '10.0.1.12', vpcId)).toBe('unreachable');
    },
  );

  it('an address no instance holds, or one only in another VPC: not reachable', async () => {
    expect(await peerInstanceReachability(deps(), '10.0.1.99', vpcId)).toBe('unreachable');
    expect(await peerInstanceReachability(deps(), '10.1.1.12', vpcId)).toBe('unreachable');
    expect(calls.every((c) => c.outcome === 'ok')).toBe(true);
  });

  it.each([
    ['throttled (RequestLimitExceeded)', { throttleRate: 1 }],
    ['a server error', { serverErrorRate: 1 }],
  ])('%s: unknown, not reachable', async (_name, faults) => {
    Object.assign(emulator.faults, faults);
    expect(await peerInstanceReachability(deps(), '10.0.1.12', vpcId)).toBe('unknown');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.outcome).not.toBe('ok');
  });

  it('a hung call: unknown after the call timeout', async () => {
    Object.assign(emulator.faults, { timeoutRate: 1 });
    const startedMs = epochNowMs();
    expect(await peerInstanceReachability(deps(), '10.0.1.12', vpcId)).toBe('unknown');
    const tookMs = epochNowMs() - startedMs;
    expect(tookMs).toBeGreaterThanOrEqual(CALL_TIMEOUT_MS - 10);
    expect(tookMs).toBeLessThan(CALL_TIMEOUT_MS + 1000);
  });

  it('the caller stopping: unknown at once', async () => {
    Object.assign(emulator.faults, { timeoutRate: 1 });
    const controller = new AbortController();
    const answer = peerInstanceReachability(deps(), '10.0.1.12', vpcId, controller.signal);
    controller.abort(new Error('agent stopping'));
    expect(await answer).toBe('unknown');
  });
});
