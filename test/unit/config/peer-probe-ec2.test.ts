// unicast.probe: ec2 (issue 14, Build 4): the split-brain probe asks EC2 whether the peer's
// instance is running, with the agent's EC2 client and identity, so the file must have a
// top-level cloud: section; and EC2 finds the peer by its private IPv4 address.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/agent/config/load-config.js';
import { expectOneIssue, oneInstance } from './helpers.js';

const withEc2Probe = (vips?: string, peer = '10.99.0.2'): string =>
  oneInstance(`mode: unicast\nunicast: { peers: [${peer}], probe: @@ec2 }`, vips);

describe('unicast.probe: ec2', () => {
  it('reads with a cloud: section, even an empty one (IMDS discovers the rest)', () => {
    for (const cloud of ['cloud: {}\n', 'cloud:\n  region: eu-west-1\n']) {
      const config = parseConfigText(cloud + withEc2Probe().replace('@@', ''), 'f.yaml');
      expect(config.instances[0]?.unicast.probe).toEqual({ kind: 'ec2' });
    }
  });

  it('without a cloud: section is an error at the probe, saying what is expected', () => {
    const issue = expectOneIssue(
      withEc2Probe(),
      'instances[0].unicast.probe',
      /probe: ec2 asks the EC2 API whether the peer instance is running: expected a top-level cloud: section/,
    );
    expect(issue.line).toBe(7);
  });

  it('on an IPv6 instance is an error: EC2 is asked by private IPv4 address', () => {
    expectOneIssue(
      `cloud: {}\n${withEc2Probe('[fd00::100/64]', 'fd00::2')}`,
      'instances[0].unicast.probe',
      /looks the peer up by its private IPv4 address/,
    );
  });

  it('leaves configurations without it as before: no cloud: section needed, defaults filled', () => {
    const config = parseConfigText(oneInstance(), 'f.yaml');
    expect(config.cloud).toMatchObject({ provider: 'aws', callTimeoutMs: 2000 });
  });
});
