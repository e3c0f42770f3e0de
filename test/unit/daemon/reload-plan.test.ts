// What a reload does to each instance: keep, apply in place (priority, VIPs, notify, track),
// restart alone, start or stop; and what it refuses as a whole, with the reason.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { parseConfigText } from '../../../src/agent/config/load-config.js';
import type { FloatdConfig } from '../../../src/agent/config/schema.js';
import {
  changesByName,
  planReload,
  type ReloadPlan,
} from '../../../src/agent/daemon/reload-plan.js';

interface Spec {
  readonly name: string;
  readonly vrid: number;
  readonly priority?: number;
  readonly vips?: string;
  readonly more?: string;
}

const A: Spec = { name: 'a', vrid: 1 };
const B: Spec = { name: 'b', vrid: 2 };

function config(instances: readonly Spec[], top = ''): FloatdConfig {
  const line = (s: Spec): string =>
    `  - { name: ${s.name}, vrid: ${s.vrid}, interface: eth0, priority: ${s.priority ?? 100},` +
    ` vips: [${s.vips ?? `10.9.0.${100 + s.vrid}/24`}]${s.more ?? ''} }`;
  return parseConfigText([top, 'instances:', ...instances.map(line), ''].join('\n'), 'f.yaml');
}

/** The plan as names only: easy to compare. */
function summary(plan: ReloadPlan): Record<string, unknown> {
  if (!plan.ok) return { why: plan.why };
  return { ...changesByName(plan) };
}

const none = { kept: [], inPlace: [], restarted: [], added: [], removed: [] };

describe('planReload', () => {
  it('keeps an unchanged configuration as it is', () => {
    expect(summary(planReload(config([A, B]), config([A, B])))).toEqual({
      ...none,
      kept: ['a', 'b'],
    });
  });

  it.each([
    { what: 'priority', b: { ...B, priority: 120 } },
    { what: 'VIPs', b: { ...B, vips: '10.9.0.102/24, 10.9.0.103/24' } },
    { what: 'notify', b: { ...B, more: ', notify: { master: /bin/true }' } },
  ])('applies a changed $what in place; the other instance is kept', ({ b }) => {
    expect(summary(planReload(config([A, B]), config([A, b])))).toEqual({
      ...none,
      kept: ['a'],
      inPlace: ['b'],
    });
  });

  it.each([
    { what: 'advert interval', b: { ...B, more: ', advertInterval: 2s' } },
    { what: 'VRID', b: { ...B, vrid: 3 } },
    { what: 'a VIP prefix', b: { ...B, vips: '10.9.0.102/25' } },
    { what: 'becoming the owner', b: { ...B, priority: 255 } },
  ])('restarts only the instance whose $what changed', ({ b }) => {
    expect(summary(planReload(config([A, B]), config([A, b])))).toEqual({
      ...none,
      kept: ['a'],
      restarted: ['b'],
    });
  });

  it('starts added and stops removed instances; order does not matter', () => {
    const C: Spec = { name: 'c', vrid: 3 };
    expect(summary(planReload(config([A, B]), config([C, A])))).toEqual({
      ...none,
      kept: ['a'],
      added: ['c'],
      removed: ['b'],
    });
  });

  it('applies a changed log section at the next start only, and says so', () => {
    const plan = planReload(config([A]), config([A], 'log: { level: debug }'));
    expect(plan.ok && plan.atNextStart).toEqual(['log']);
    expect(summary(plan)).toEqual({ ...none, kept: ['a'] });
  });

  it('refuses changes to the status, cloud or notifyFifo sections, naming them', () => {
    const plan = planReload(config([A, B]), config([A, B], 'status: false'));
    expect(summary(plan)).toEqual({ why: 'status changed: restart floatd to apply' });
  });

  it('applies a priority change to an instance with cloud targets; refuses to restart it', () => {
    const text = readFileSync('examples/aws.yaml', 'utf8');
    const running = parseConfigText(text, 'aws.yaml');
    const priority = parseConfigText(text.replace('priority: 150', 'priority: 120'), 'aws.yaml');
    expect(summary(planReload(running, priority))).toMatchObject({ inPlace: ['web'] });
    const interval = parseConfigText(text.replace('advertInterval: 1s', 'advertInterval: 2s'), 'a');
    expect(summary(planReload(running, interval)).why).toMatch(
      /instance web has cloud targets: only its priority, VIPs, notify and track can change/,
    );
  });
});
