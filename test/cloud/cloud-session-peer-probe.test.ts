// unicast.probe: ec2 in the agent (issue 14, Build 4): an instance with no cloud target but the
// EC2 probe gets the agent's cloud session (IMDS discovery, the EC2 client), whose client and
// identity (its VPC) answer the probe; before the identity is known the answer is unknown.
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfigText } from '../../src/agent/config/load-config.js';
import { CloudSession } from '../../src/agent/daemon/cloud-session.js';
import { createImdsFake, type ImdsFake } from '../../lab/ec2-emulator/imds-fake.js';
import { imdsInterfacesFor } from '../../lab/ec2-emulator/imds-interfaces.js';
import { createEc2Emulator, type Ec2Emulator } from '../../lab/ec2-emulator/server.js';

describe('the cloud session answers the EC2 peer probe', () => {
  let emulator: Ec2Emulator;
  let imds: ImdsFake;
  let session: CloudSession;
  let peerId: string;

  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFLOATDSESSION000');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'floatd-session-secret');
    emulator = await createEc2Emulator({ region: 'eu-west-1' });
    const s = emulator.state;
    const vpcId = s.addVpc('10.0.0.0/16');
    const subnetId = s.addSubnet(vpcId, '10.0.1.0/24');
    const me = s.addInstance({ subnetId, privateIp: '10.0.1.11' });
    peerId = s.addInstance({ subnetId, privateIp: '10.0.1.12' }).instanceId;
    imds = await createImdsFake({
      instanceId: me.instanceId,
      region: 'eu-west-1',
      availabilityZone: 'eu-west-1a',
      interfaces: () => imdsInterfacesFor(s, me.instanceId),
    });
    const config = parseConfigText(
      [
        `cloud: { endpoint: "${emulator.endpoint}", imdsEndpoint: "${imds.endpoint}" }`,
        'instances:',
        '  - { name: web, vrid: 51, interface: eth0, vips: [10.0.1.50/24], mode: unicast,',
        '      unicast: { peers: [10.0.1.12], probe: ec2 } }',
        '',
      ].join('\n'),
      'f.yaml',
    );
    session = new CloudSession({
      config: config.cloud,
      instances: config.instances,
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      readMac: () => Promise.resolve(me.mac),
    });
  });

  afterAll(async () => {
    await session?.stop();
    await imds?.close();
    await emulator?.close();
    vi.unstubAllEnvs();
  });

  async function answer(peer: string) {
    for (let i = 0; i < 100; i += 1) {
      const reachability = await session.peerReachability('web', peer);
      if (reachability !== 'unknown') return reachability;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return 'unknown';
  }

  it('running: reachable; stopped: not; an instance it does not know: unknown', async () => {
    expect(await answer('10.0.1.12')).toBe('reachable');
    emulator.state.setInstanceState(peerId, 'stopped');
    expect(await session.peerReachability('web', '10.0.1.12')).toBe('unreachable');
    expect(await session.peerReachability('other', '10.0.1.12')).toBe('unknown');
  });
});
