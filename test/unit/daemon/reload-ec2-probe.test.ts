// A reload that turns on unicast.probe: ec2 where the running agent has no EC2 client (set up
// at start, per interface) is refused with the reason; where it has one, it applies.
import { describe, expect, it } from 'vitest';

import { parseConfigText } from '../../../src/agent/config/load-config.js';
import { planReload } from '../../../src/agent/daemon/reload-plan.js';

function config(probe: string, targets = ''): ReturnType<typeof parseConfigText> {
  return parseConfigText(
    [
      'cloud: {}',
      'instances:',
      '  - { name: a, vrid: 1, interface: eth0, vips: [10.9.0.101/24], mode: unicast,',
      `      unicast: { peers: [10.9.0.2]${probe} }${targets} }`,
      '',
    ].join('\n'),
    'f.yaml',
  );
}

describe('reload and unicast.probe: ec2', () => {
  it('refuses turning it on without an EC2 client on the interface', () => {
    const plan = planReload(config(''), config(', probe: ec2'));
    expect(plan).toEqual({
      ok: false,
      why: 'instance a: unicast.probe ec2 on eth0, which has no EC2 client yet: restart floatd to apply',
    });
  });

  it('turns it off, or keeps it, in a reload', () => {
    expect(planReload(config(', probe: ec2'), config('')).ok).toBe(true);
    expect(planReload(config(', probe: ec2'), config(', probe: ec2')).ok).toBe(true);
  });
});
