// What a reload may apply in place (base priorities) and what it refuses, with the reason.
import { describe, expect, it } from 'vitest';

import { parseConfigText } from '../../../src/agent/config/load-config.js';
import { planReload } from '../../../src/agent/daemon/reload-plan.js';

const config = (pa: number, pb: number, vipB = '10.9.0.102/24', extra = '') =>
  parseConfigText(
    [
      extra,
      'instances:',
      `  - { name: a, vrid: 1, interface: eth0, priority: ${pa}, vips: [10.9.0.101/24] }`,
      `  - { name: b, vrid: 2, interface: eth0, priority: ${pb}, vips: [${vipB}] }`,
      '',
    ].join('\n'),
    'f.yaml',
  );

describe('planReload', () => {
  it('applies changed priorities only', () => {
    const plan = planReload(config(150, 150), config(150, 120));
    expect(plan).toEqual({ ok: true, priorities: new Map([['b', 120]]) });
  });

  it('refuses any other change to an instance, naming it', () => {
    const plan = planReload(config(150, 150), config(150, 150, '10.9.0.103/24'));
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.why).toMatch(/instance b: only its priority can change while running/);
  });

  it('refuses owner changes and top-level changes', () => {
    expect(planReload(config(150, 150), config(255, 150)).ok).toBe(false);
    const withStatus = config(150, 150, '10.9.0.102/24', 'status: false');
    const plan = planReload(config(150, 150), withStatus);
    expect(!plan.ok && plan.why).toMatch(/status changed/);
  });
});
