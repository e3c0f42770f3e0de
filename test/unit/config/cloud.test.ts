// The cloud keys: targets get their defaults from the instance's VIPs, and every mistake is
// reported at its key with a position.
import { describe, expect, it } from 'vitest';

import { parseConfigText } from '../../../src/agent/config/load-config.js';
import { expectOneIssue, oneInstance } from './helpers.js';

const P = 'instances[0]';

describe('cloud targets', () => {
  it('fills defaults from the first VIP', () => {
    const config = parseConfigText(
      oneInstance(
        [
          'cloud:',
          '  - type: secondary-ip',
          '  - type: elastic-ip',
          '    allocationId: eipalloc-0123456789abcdef0',
          '  - type: route-table',
          '    routeTableIds: [rtb-0123456789abcdef0, rtb-11111111]',
        ].join('\n'),
      ),
      'f.yaml',
    );
    expect(config.instances[0]?.cloud).toEqual([
      { kind: 'secondary-ip', address: '10.99.0.100' },
      { kind: 'elastic-ip', allocationId: 'eipalloc-0123456789abcdef0', privateIp: '10.99.0.100' },
      {
        kind: 'route-table',
        routeTableIds: ['rtb-0123456789abcdef0', 'rtb-11111111'],
        destinationCidr: '10.99.0.100/32',
      },
    ]);
  });

  it('reads the top-level cloud settings with units', () => {
    const text = [
      'cloud:',
      '  region: eu-west-1',
      '  endpoint: http://127.0.0.1:4566',
      '  callTimeout: 500ms',
      '  recheckInterval: 2s',
      '  fenceLease: 10s',
      oneInstance(),
    ].join('\n');
    const config = parseConfigText(text, 'f.yaml');
    expect(config.cloud).toMatchObject({
      provider: 'aws',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      callTimeoutMs: 500,
      recheckIntervalMs: 2000,
      fenceLeaseMs: 10000,
    });
  });

  it('rejects an unknown target type', () => {
    expectOneIssue(
      oneInstance('cloud:\n  - type: @@floating-ip'),
      `${P}.cloud[0].type`,
      /secondary-ip, elastic-ip, route-table/,
    );
  });

  it('rejects a malformed allocation id', () => {
    expectOneIssue(
      oneInstance('cloud:\n  - type: elastic-ip\n    allocationId: @@eip-1234'),
      `${P}.cloud[0].allocationId`,
      /expected an id like "eipalloc-0123456789abcdef0", got "eip-1234"/,
    );
  });

  it('rejects a secondary IP that is not a VIP', () => {
    expectOneIssue(
      oneInstance('cloud:\n  - type: secondary-ip\n    address: @@10.99.0.7'),
      `${P}.cloud[0].address`,
      /10\.99\.0\.7 is not one of this instance's VIPs \(10\.99\.0\.100\)/,
    );
  });

  it('rejects the same target twice', () => {
    expectOneIssue(
      oneInstance('cloud:\n  - type: secondary-ip\n  - @@type: secondary-ip'),
      `${P}.cloud[1]`,
      /the same target as cloud\[0\]/,
    );
  });

  it('rejects cloud targets on an IPv6 instance', () => {
    expectOneIssue(
      oneInstance('cloud:\n  @@- type: secondary-ip', '["2001:db8::1/64"]'),
      `${P}.cloud`,
      /move IPv4 addresses/,
    );
  });

  it('rejects a bad endpoint URL', () => {
    expectOneIssue(
      `cloud:\n  endpoint: @@ftp://x\n${oneInstance()}`,
      'cloud.endpoint',
      /expected an http:\/\/ or https:\/\/ URL/,
    );
  });
});

describe('cloud timings', () => {
  it('rejects a fence lease a live holder could outlast between two renewals', () => {
    expectOneIssue(
      `cloud:\n  recheckInterval: 10s\n  fenceLease: @@15s\n${oneInstance()}`,
      'cloud.fenceLease',
      /expected more than 2 x recheckInterval \+ callTimeout \(22000 ms\), got 15000 ms/,
    );
  });
});
