// The controller's JSON configuration (src/cloud/controller/config.ts): a valid one with
// defaults applied, and each problem reported with its path and what was expected.
import { describe, expect, it } from 'vitest';
import {
  ControllerConfigError,
  parseControllerConfig,
} from '../../../../src/cloud/controller/config.js';

const valid = {
  region: 'eu-west-1',
  groups: [
    {
      name: 'nat',
      targets: [
        {
          kind: 'route-table',
          routeTableIds: ['rtb-0123456789abcdef0'],
          destinationCidr: '0.0.0.0/0',
        },
      ],
      candidates: [
        {
          instanceId: 'i-0aaaaaaaaaaaaaaaa',
          networkInterfaceId: 'eni-0aaaaaaaaaaaaaaaa',
          subnetId: 'subnet-0123456789abcdef0',
          priority: 150,
          address: '10.0.1.10',
        },
        {
          instanceId: 'i-0bbbbbbbbbbbbbbbb',
          networkInterfaceId: 'eni-0bbbbbbbbbbbbbbbb',
          subnetId: 'subnet-0123456789abcdef0',
          priority: 100,
          address: '10.0.2.10',
        },
      ],
      health: { check: { type: 'http', port: 8080 } },
    },
  ],
};

function problems(config: unknown): readonly string[] {
  try {
    parseControllerConfig(typeof config === 'string' ? config : JSON.stringify(config));
  } catch (error) {
    expect(error).toBeInstanceOf(ControllerConfigError);
    expect((error as ControllerConfigError).code).toBe('FLOATD_ERR_CONTROLLER_CONFIG');
    return (error as ControllerConfigError).problems;
  }
  throw new Error('accepted');
}

describe('the controller configuration', () => {
  it('a valid one, with the defaults', () => {
    const parsed = parseControllerConfig(JSON.stringify(valid));
    expect(parsed).toMatchObject({ controllerId: 'floatd-controller', schedulePeriodMs: 60_000 });
    expect(parsed.groups[0]).toMatchObject({
      preempt: true,
      health: {
        check: { type: 'http', port: 8080, path: '/' },
        intervalMs: 5000,
        timeoutMs: 2000,
        rise: 2,
        fall: 3,
      },
    });
  });

  it.each([
    ['not JSON', '{', /^not JSON/],
    ['a bad region', { ...valid, region: 'mars' }, /^region: expected a region/],
    [
      'one candidate',
      { ...valid, groups: [{ ...valid.groups[0], candidates: [valid.groups[0]?.candidates[0]] }] },
      /^groups\[0\]\.candidates: expected at least two candidates/,
    ],
    [
      'a priority of 255',
      {
        ...valid,
        groups: [
          {
            ...valid.groups[0],
            candidates: [
              { ...valid.groups[0]?.candidates[0], priority: 255 },
              valid.groups[0]?.candidates[1],
            ],
          },
        ],
      },
      /^groups\[0\]\.candidates\[0\]\.priority: /,
    ],
    [
      'a timeout not below the interval',
      {
        ...valid,
        groups: [
          {
            ...valid.groups[0],
            health: { check: { type: 'tcp', port: 22 }, intervalMs: 2000, timeoutMs: 2000 },
          },
        ],
      },
      /^groups\[0\]\.health\.timeoutMs: expected less than intervalMs \(2000\)/,
    ],
    [
      'an unknown key',
      { ...valid, groups: [{ ...valid.groups[0], prempt: false }] },
      /^groups\[0\]: .*prempt/,
    ],
    [
      'a bad route table id',
      {
        ...valid,
        groups: [
          {
            ...valid.groups[0],
            targets: [
              { kind: 'route-table', routeTableIds: ['rtb-x'], destinationCidr: '0.0.0.0/0' },
            ],
          },
        ],
      },
      /^groups\[0\]\.targets\[0\]\.routeTableIds\[0\]: expected an id like "rtb-0123456789abcdef0"/,
    ],
    [
      'a secondary IP between two subnets',
      {
        ...valid,
        groups: [
          {
            ...valid.groups[0],
            targets: [{ kind: 'secondary-ip', address: '10.0.1.50' }],
            candidates: valid.groups[0]?.candidates.map((c, i) => ({
              ...c,
              subnetId: `subnet-0${i}23456789abcdef0`,
            })),
          },
        ],
      },
      /^groups\[0\]\.candidates: a secondary-ip target moves within one subnet/,
    ],
    [
      'a candidate without its subnet',
      {
        ...valid,
        groups: [
          {
            ...valid.groups[0],
            candidates: valid.groups[0]?.candidates.map(({ subnetId: _, ...c }) => c),
          },
        ],
      },
      /^groups\[0\]\.candidates\[0\]\.subnetId: /,
    ],
    [
      'two groups of one name',
      { ...valid, groups: [valid.groups[0], valid.groups[0]] },
      /^groups: nat named twice/,
    ],
  ])('%s', (_name, config, expected) => {
    const found = problems(config);
    expect(
      found.some((p) => expected.test(p)),
      found.join('\n'),
    ).toBe(true);
  });
});
