// The claim order of an instance's targets, on the pure machine (no timers, no provider): an
// Elastic IP mapped to the VIP that a secondary-ip target moves is claimed once that claim is
// accepted, whatever the order in the configuration; EC2's refusal of a premature association
// (InvalidParameterValue) is retried with backoff, not after a re-check.
import { describe, expect, it } from 'vitest';
import { explainClaimOrder } from '../../../src/cloud/reconcile/claim-order.js';
import { InstanceMachine } from '../../../src/cloud/reconcile/instance-machine.js';
import { DEFAULT_RECONCILER_SETTINGS } from '../../../src/cloud/reconcile/settings.js';
import type { CallOutcome, CloudCall, MachineCommand } from '../../../src/cloud/reconcile/types.js';
import type { CloudTarget } from '../../../src/cloud/target.js';

const VIP = '10.0.1.50';
const SECONDARY: CloudTarget = { kind: 'secondary-ip', address: VIP };
const EIP: CloudTarget = { kind: 'elastic-ip', allocationId: 'eipalloc-1', privateIp: VIP };
const ROUTE: CloudTarget = {
  kind: 'route-table',
  routeTableIds: ['rtb-1'],
  destinationCidr: `${VIP}/32`,
};
const T0 = 1_750_000_000_000;

type Call = MachineCommand & { type: 'call' };

function machineFor(targets: readonly CloudTarget[]): InstanceMachine {
  const machine = new InstanceMachine({
    targets,
    settings: DEFAULT_RECONCILER_SETTINGS,
    random: () => 0.5,
  });
  machine.step({
    type: 'ready',
    nowMs: T0,
    identity: { instanceId: 'i-a', networkInterfaceId: 'eni-a' },
  });
  return machine;
}

function calls(commands: readonly MachineCommand[], kind?: CloudCall['kind']): Call[] {
  return commands.filter(
    (c): c is Call => c.type === 'call' && (kind === undefined || c.call.kind === kind),
  );
}

const ok = (kind: 'claim' | 'writeFence'): CallOutcome => ({ ok: true, kind });

describe.each([
  ['secondary-ip first', [SECONDARY, EIP]],
  ['elastic-ip first', [EIP, SECONDARY]],
] as const)('claim order with %s in the configuration', (_order, targets) => {
  const secondary = targets.indexOf(SECONDARY);
  const eip = targets.indexOf(EIP);

  it('claims the secondary IP at once and the EIP in the step that accepts it', () => {
    const machine = machineFor(targets);
    const atDecision = machine.step({ type: 'master', nowMs: T0, atMs: T0 });
    const claims = calls(atDecision, 'claim');
    expect(claims.map((c) => c.target)).toEqual([secondary]);
    // Both fence records go out at once: fencing does not wait for the order.
    expect(
      calls(atDecision, 'writeFence')
        .map((c) => c.target)
        .sort(),
    ).toEqual([0, 1]);
    expect(machine.status()[eip]).toMatchObject({
      phase: 'claiming',
      after: `secondary-ip:${VIP}`,
    });

    const accepted = machine.step({
      type: 'result',
      nowMs: T0 + 30,
      callId: (claims[0] as Call).callId,
      outcome: ok('claim'),
    });
    expect(calls(accepted, 'claim').map((c) => c.target)).toEqual([eip]);
    expect(machine.status()[eip]?.timeline?.firstRequestAtMs).toBe(T0 + 30);
  });

  it("retries EC2's refusal of the early association with backoff, not at the re-check", () => {
    const machine = machineFor(targets);
    const first = calls(machine.step({ type: 'master', nowMs: T0, atMs: T0 }), 'claim')[0] as Call;
    const eipClaim = calls(
      machine.step({ type: 'result', nowMs: T0 + 30, callId: first.callId, outcome: ok('claim') }),
      'claim',
    )[0] as Call;
    machine.step({
      type: 'result',
      nowMs: T0 + 60,
      callId: eipClaim.callId,
      outcome: {
        ok: false,
        failure: {
          call: 'AssociateAddress',
          code: 'CLOUD_INVALID_REQUEST',
          message: 'InvalidParameterValue: the private IP is not on the network interface',
          retryable: false,
        },
      },
    });
    const retryAtMs = machine.nextDeadlineMs() ?? Infinity;
    expect(retryAtMs - (T0 + 60)).toBeLessThanOrEqual(DEFAULT_RECONCILER_SETTINGS.backoff.baseMs);
    expect(machine.status()[eip]?.lastError).toMatchObject({ call: 'AssociateAddress' });
  });
});

describe('independent targets', () => {
  it('claim together at the decision', () => {
    const machine = machineFor([ROUTE, SECONDARY]);
    const claims = calls(machine.step({ type: 'master', nowMs: T0, atMs: T0 }), 'claim');
    expect(claims.map((c) => c.target)).toEqual([0, 1]);
  });

  it('an EIP mapped to an address no target moves does not wait', () => {
    const other: CloudTarget = { ...EIP, privateIp: '10.0.1.7' };
    const machine = machineFor([other, SECONDARY]);
    const claims = calls(machine.step({ type: 'master', nowMs: T0, atMs: T0 }), 'claim');
    expect(claims.map((c) => c.target)).toEqual([0, 1]);
  });
});

describe('explainClaimOrder', () => {
  it('says which claim waits for which, in the configuration order', () => {
    expect(explainClaimOrder([EIP, SECONDARY, ROUTE])).toEqual([
      'elastic-ip:eipalloc-1: claimed once secondary-ip:10.0.1.50 is accepted ' +
        '(the Elastic IP maps to that address, which must be on this ENI first)',
      'secondary-ip:10.0.1.50: claimed at once',
      `route-table:${VIP}/32@rtb-1: claimed at once`,
    ]);
  });
});
