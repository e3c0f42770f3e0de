// What the controller knows between evaluations (src/cloud/controller/logic/controller-state.ts):
// health per group and candidate from probes and EC2's state, and decisions from the cloud's
// owners and fence records.
import { describe, expect, it } from 'vitest';
import { ControllerState } from '../../../../src/cloud/controller/logic/controller-state.js';
import type { ControllerGroup } from '../../../../src/cloud/controller/logic/types.js';

const candidate = (id: string, priority: number) => ({
  instanceId: `i-0${id.repeat(16)}`,
  networkInterfaceId: `eni-0${id.repeat(16)}`,
  subnetId: 'subnet-0123456789abcdef0',
  priority,
  address: '10.0.1.10',
});
const A = candidate('a', 200);
const B = candidate('b', 100);
const group = (name: string, candidates = [A, B]): ControllerGroup => ({
  name,
  targets: [{ kind: 'secondary-ip', address: '10.0.1.50' }],
  candidates,
  health: { check: { type: 'tcp', port: 80 }, intervalMs: 1000, timeoutMs: 500, rise: 2, fall: 2 },
  preempt: true,
  preemptHoldDownMs: 60_000,
});
const LEASE_MS = 15_000;

describe('ControllerState', () => {
  it('counts health per group: rise successes make a candidate healthy, fall failures unhealthy', () => {
    const state = new ControllerState([group('web'), group('db')], 'ctl', LEASE_MS);
    expect(state.recordProbe('web', A.instanceId, true, 1)).toBe('unknown');
    expect(state.recordProbe('web', A.instanceId, true, 2)).toBe('healthy');
    expect(state.healthOf('db', A.instanceId)).toBe('unknown');
    state.recordProbe('web', A.instanceId, false, 3);
    expect(state.recordProbe('web', A.instanceId, false, 4)).toBe('unhealthy');
  });

  it('an instance EC2 calls down is unhealthy at once in every group listing it', () => {
    const state = new ControllerState(
      [group('web'), group('db', [B, A]), group('x', [B, candidate('c', 1)])],
      'ctl',
      LEASE_MS,
    );
    for (const g of ['web', 'db']) {
      state.recordProbe(g, A.instanceId, true, 1);
      state.recordProbe(g, A.instanceId, true, 2);
    }
    expect(state.instanceDown(A.instanceId, 10)).toEqual(['web', 'db']);
    expect(state.healthOf('web', A.instanceId)).toBe('unhealthy');
    expect(state.healthOf('db', A.instanceId)).toBe('unhealthy');
    expect(state.groupsOf(A.instanceId).map((g) => g.name)).toEqual(['web', 'db']);
  });

  it('moves from an unhealthy holder to the healthy peer, and keeps once it holds', () => {
    const web = group('web');
    const state = new ControllerState([web], 'ctl', LEASE_MS);
    for (const t of [1, 2]) {
      state.recordProbe('web', A.instanceId, false, t);
      state.recordProbe('web', B.instanceId, true, t);
    }
    const onA = [{ ownerNetworkInterfaceId: A.networkInterfaceId }];
    const moved = state.evaluate(web, onA, [[]], 3);
    expect(moved.decision).toMatchObject({ action: 'move', to: B });
    expect(moved.healthy).toBe(1);
    // The controller's own record (for B) is no agent's: the next look just keeps.
    const mine = { term: 5, owner: `ctl/${B.instanceId}`, beat: 0, released: false };
    const onB = [{ ownerNetworkInterfaceId: B.networkInterfaceId }];
    expect(state.evaluate(web, onB, [[mine]], 4).decision).toMatchObject({ action: 'keep' });
  });

  it("an agent's record that keeps changing holds the group; silent for a lease, it does not", () => {
    const web = group('web');
    const state = new ControllerState([web], 'ctl', LEASE_MS);
    for (const t of [1, 2]) {
      state.recordProbe('web', A.instanceId, true, t);
      state.recordProbe('web', B.instanceId, false, t);
    }
    const onB = [{ ownerNetworkInterfaceId: B.networkInterfaceId }];
    const agent = { term: 7, owner: B.instanceId, beat: 1, released: false };
    expect(state.evaluate(web, onB, [[agent]], 10).holding).toEqual({
      kind: 'agent',
      owner: B.instanceId,
    });
    expect(state.evaluate(web, onB, [[agent]], 10 + LEASE_MS).decision).toMatchObject({
      action: 'move',
      to: A,
    });
  });
});
