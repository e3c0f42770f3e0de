// A minimal config gets every default; the shipped examples validate.
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { loadConfigFile, parseConfigText } from '../../../src/agent/config/load-config.js';
import type { FloatdConfig } from '../../../src/agent/config/schema.js';
import { oneInstance } from './helpers.js';

const example = (name: string): string =>
  fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

describe('defaults', () => {
  it('a minimal config gets every default, normalised', () => {
    const expected: FloatdConfig = {
      log: { level: 'info', format: 'json' },
      cloud: {
        provider: 'aws',
        region: undefined,
        endpoint: undefined,
        imdsEndpoint: undefined,
        instanceId: undefined,
        networkInterfaceId: undefined,
        subnetId: undefined,
        callTimeoutMs: 2000,
        recheckIntervalMs: 5000,
        fenceLeaseMs: 15000,
        disableSourceDestCheck: false,
      },
      trackers: [],
      syncGroups: [],
      notifyFifo: undefined,
      status: { listen: '127.0.0.1:9657' },
      instances: [
        {
          name: 'web',
          vrid: 51,
          interface: 'eth0',
          priority: 100,
          version: 3,
          family: 'ipv4',
          advertIntervalCs: 100,
          preempt: true,
          preemptDelayMs: 0,
          acceptMode: false,
          vips: [{ address: '10.99.0.100', prefixLength: 24, device: 'eth0' }],
          mode: 'multicast',
          unicast: { peers: [], acceptUnknownPeers: false },
          auto: { multicastSilenceMs: 5000 },
          garp: {
            masterDelayMs: 5000,
            masterRepeat: 5,
            masterRefreshMs: 0,
            masterRefreshRepeat: 1,
            intervalMs: 0,
          },
          checkAddressList: true,
          cloud: [],
          track: [],
        },
      ],
    };
    // toStrictEqual: no extra keys, and no optional key present as undefined.
    expect(parseConfigText(oneInstance(), 'floatd.yaml')).toStrictEqual(expected);
  });

  it('a VIP without a prefix is a host address; addresses are canonical', () => {
    const config = parseConfigText(oneInstance('', '["2001:DB8:0::100"]'), 'floatd.yaml');
    expect(config.instances[0]?.vips).toEqual([
      { address: '2001:db8::100', prefixLength: 128, device: 'eth0' },
    ]);
  });

  it('every key set explicitly is carried through', () => {
    const text = oneInstance(
      [
        'priority: 150',
        'version: 2',
        'advertInterval: 2s',
        'preempt: false',
        'preemptDelay: 30s',
        'acceptMode: true',
        'mode: unicast',
        'unicast: { source: 10.99.0.1, peers: [10.99.0.2, 10.99.0.3], acceptUnknownPeers: true }',
        'auto: { multicastSilence: 2.5s }',
        'authentication: { type: pass, password: secret }',
        'garp: { masterDelay: 0s, masterRepeat: 3, masterRefresh: 1m, masterRefreshRepeat: 2, interval: 100ms }',
        'checkAddressList: false',
      ].join('\n'),
    );
    const instance = parseConfigText(`log: { level: debug, format: pretty }\n${text}`, 'f.yaml');
    expect(instance.log).toEqual({ level: 'debug', format: 'pretty' });
    expect(instance.instances[0]).toMatchObject({
      priority: 150,
      version: 2,
      advertIntervalCs: 200,
      preempt: false,
      preemptDelayMs: 30_000,
      acceptMode: true,
      mode: 'unicast',
      unicast: { source: '10.99.0.1', peers: ['10.99.0.2', '10.99.0.3'], acceptUnknownPeers: true },
      auto: { multicastSilenceMs: 2500 },
      authPassword: 'secret',
      garp: {
        masterDelayMs: 0,
        masterRepeat: 3,
        masterRefreshMs: 60_000,
        masterRefreshRepeat: 2,
        intervalMs: 100,
      },
      checkAddressList: false,
    });
  });
});

describe('examples', () => {
  it('examples/floatd.yaml validates and shows the defaults', async () => {
    const config = await loadConfigFile(example('floatd.yaml'));
    const defaults = parseConfigText(oneInstance(), 'floatd.yaml').instances[0];
    const [web] = config.instances;
    // Same as a minimal config's defaults except for what the example adds: a second VIP.
    expect({ ...web, vips: web?.vips.slice(0, 1) }).toEqual(defaults);
    expect(web?.vips[1]).toEqual({
      address: '10.99.0.101',
      prefixLength: 32,
      device: 'eth0',
      label: 'eth0:web',
    });
  });

  it('examples/unicast.yaml validates', async () => {
    const config = await loadConfigFile(example('unicast.yaml'));
    expect(config.instances[0]).toMatchObject({
      mode: 'unicast',
      unicast: { source: '10.99.0.1', peers: ['10.99.0.2'], acceptUnknownPeers: false },
    });
  });

  it('examples/aws.yaml validates, with all three cloud targets', async () => {
    const config = await loadConfigFile(example('aws.yaml'));
    expect(config.instances[0]?.cloud.map((t) => t.kind)).toEqual([
      'secondary-ip',
      'elastic-ip',
      'route-table',
    ]);
    expect(config.cloud.recheckIntervalMs).toBe(5000);
  });
});
