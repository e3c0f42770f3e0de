// Who holds a group's targets (src/cloud/controller/logic/holding.ts): an agent's record that
// keeps changing is a live agent, left alone; one silent for a lease is gone; the controller's
// own record is never an agent; the targets' owners name the holder only when they agree.
import { describe, expect, it } from 'vitest';
import { FenceWatch, holdingOf } from '../../../../src/cloud/controller/logic/holding.js';
import type { ControllerGroup } from '../../../../src/cloud/controller/logic/types.js';
import type { FenceRecord } from '../../../../src/cloud/provider.js';

const LEASE_MS = 15_000;
const agent = (beat: number): FenceRecord => ({
  term: 1_800_000_000_000,
  owner: 'i-0aaaaaaaaaaaaaaaa',
  beat,
  released: false,
});

const group: ControllerGroup = {
  name: 'g',
  targets: [
    { kind: 'secondary-ip', address: '10.0.1.50' },
    { kind: 'elastic-ip', allocationId: 'eipalloc-01234567', privateIp: '10.0.1.50' },
  ],
  candidates: [
    {
      instanceId: 'i-0bbbbbbbbbbbbbbbb',
      networkInterfaceId: 'eni-0b',
      subnetId: 'subnet-0123456789abcdef0',
      priority: 100,
      address: '10.0.1.11',
    },
  ],
  health: { check: { type: 'tcp', port: 22 }, intervalMs: 5000, timeoutMs: 2000, rise: 2, fall: 3 },
  preempt: false,
  preemptHoldDownMs: 60_000,
};

describe('the fence watch', () => {
  it('an agent renewing its record is live; silent for a lease, it is gone', () => {
    const watch = new FenceWatch('floatd-controller', LEASE_MS);
    expect(watch.observe('t', [agent(1)], 0).liveAgent).toBe(true);
    expect(watch.observe('t', [agent(2)], 10_000).liveAgent).toBe(true);
    expect(watch.observe('t', [agent(2)], 10_000 + LEASE_MS - 1).liveAgent).toBe(true);
    expect(watch.observe('t', [agent(2)], 10_000 + LEASE_MS).liveAgent).toBe(false);
    // It comes back: live again at once.
    expect(watch.observe('t', [agent(3)], 30_000).liveAgent).toBe(true);
  });

  it("the controller's own record and released records are no agent", () => {
    const watch = new FenceWatch('floatd-controller', LEASE_MS);
    const own: FenceRecord = {
      ...agent(1),
      owner: 'floatd-controller/i-0bbbbbbbbbbbbbbbb',
      term: agent(1).term + 1,
    };
    expect(watch.observe('t', [agent(1), own], 0)).toEqual({ holder: own, liveAgent: false });
    expect(watch.observe('u', [{ ...agent(1), released: true }], 0)).toEqual({
      holder: undefined,
      liveAgent: false,
    });
  });
});

describe("a group's holding", () => {
  const quiet = { holder: undefined, liveAgent: false };
  it('a live agent on any target: the agent holds the group', () => {
    const live = { holder: agent(1), liveAgent: true };
    const owners = [{ ownerNetworkInterfaceId: 'eni-0b' }, { ownerNetworkInterfaceId: 'eni-0b' }];
    expect(holdingOf(group, owners, [quiet, live])).toEqual({
      kind: 'agent',
      owner: 'i-0aaaaaaaaaaaaaaaa',
    });
  });

  it.each([
    [['eni-0b', 'eni-0b'], { kind: 'candidate', instanceId: 'i-0bbbbbbbbbbbbbbbb' }],
    [['eni-0x', 'eni-0x'], { kind: 'other', networkInterfaceId: 'eni-0x' }],
    [['eni-0b', 'eni-0x'], { kind: 'none' }],
    [['eni-0b', undefined], { kind: 'none' }],
    [[undefined, undefined], { kind: 'none' }],
  ] as const)('owners %j -> %j', (enis, expected) => {
    const owners = enis.map((e) => ({ ownerNetworkInterfaceId: e }));
    expect(holdingOf(group, owners, [quiet, quiet])).toEqual(expected);
  });
});
