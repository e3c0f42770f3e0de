// toRouterConfig: the configured instance as the core's VirtualRouterConfig, which the core's
// own checks accept.
import { describe, expect, it } from 'vitest';

import { parseConfigText } from '../../../src/agent/config/load-config.js';
import type { InstanceConfig } from '../../../src/agent/config/schema.js';
import { toRouterConfig } from '../../../src/agent/config/to-router-config.js';
import { checkRouterConfig } from '../../../src/agent/vrrp/check-config.js';
import { oneInstance } from './helpers.js';

function instance(extra: string, vips?: string): InstanceConfig {
  const config = parseConfigText(oneInstance(extra, vips), 'floatd.yaml');
  const [first] = config.instances;
  if (first === undefined) throw new Error('no instance');
  return first;
}

describe('toRouterConfig', () => {
  it('maps a v3 instance (VIPs as addresses only)', () => {
    const router = toRouterConfig(
      instance(
        'priority: 150\nadvertInterval: 250ms\npreemptDelay: 3s\nacceptMode: true',
        '[10.99.0.100/24, { address: 10.99.0.101/32, device: eth1 }]',
      ),
      '10.99.0.1',
    );
    expect(router).toEqual({
      vrid: 51,
      version: 3,
      family: 'ipv4',
      primaryAddress: '10.99.0.1',
      priority: 150,
      advertIntervalCs: 25,
      preempt: true,
      preemptDelayMs: 3000,
      acceptMode: true,
      vips: ['10.99.0.100', '10.99.0.101'],
      authPassword: undefined,
      checkAddressList: true,
    });
    expect(() => checkRouterConfig(router)).not.toThrow();
  });

  it('maps a v2 instance with a password', () => {
    const router = toRouterConfig(
      instance(
        'version: 2\nadvertInterval: 3s\npreempt: false\nauthentication: { type: pass, password: pw }\ncheckAddressList: false',
      ),
      '10.99.0.1',
    );
    expect(router).toMatchObject({
      version: 2,
      advertIntervalCs: 300,
      preempt: false,
      authPassword: 'pw',
      checkAddressList: false,
    });
    expect(() => checkRouterConfig(router)).not.toThrow();
  });

  it('maps an IPv6 instance', () => {
    const router = toRouterConfig(instance('', '["2001:db8::100/64"]'), 'fe80::1');
    expect(router).toMatchObject({ family: 'ipv6', vips: ['2001:db8::100'] });
    expect(() => checkRouterConfig(router)).not.toThrow();
  });
});
