// A simulated EC2 for the seeded simulation: who owns each target, every agent's fence record,
// and the faults of a real API (latency, throttling, 5xx, timeouts whose request still lands,
// reads that lag writes, and agents cut off from the endpoint). Requests and answers are events
// on the simulated clock; the seed decides every fault, so a failing run replays exactly.
import type { FenceRecord } from '../../src/cloud/provider.js';
import type { CallOutcome, CloudCall } from '../../src/cloud/reconcile/types.js';
import type { CloudTarget } from '../../src/cloud/target.js';
import { targetName } from '../../src/cloud/target.js';
import type { Prng } from './prng.js';
import type { SimClock } from './sim-clock.js';

export interface ApiConditions {
  /** One-way latency, each way, drawn uniformly. */
  readonly latencyMs: readonly [number, number];
  readonly throttleRate: number;
  readonly serverErrorRate: number;
  /** The request lands but its answer is lost: the caller times out. */
  readonly timeoutRate: number;
  /** Reads show the state of up to this long ago (EC2's eventual consistency). */
  readonly readLagMaxMs: number;
}

/** A healthy API: quick answers, reads a little behind writes. */
export const QUIET_API: ApiConditions = {
  latencyMs: [2, 10],
  throttleRate: 0,
  serverErrorRate: 0,
  timeoutRate: 0,
  readLagMaxMs: 100,
};

/** The longest one-way latency any ApiConditions draws (chaos included). */
export const MAX_LATENCY_MS = 100;

/** The longest a call waits for an answer before the agent gives up on it (the SDK's timeout). */
export const SIM_CALL_TIMEOUT_MS = 300;

/** An agent as the API knows it: its instance and the ENI its claims point targets at. */
export interface ApiCaller {
  readonly hostId: string;
  readonly instanceId: string;
  readonly eni: string;
}

interface Versioned<T> {
  readonly atMs: number;
  readonly value: T;
}

export interface OwnerChange {
  readonly atMs: number;
  readonly target: string;
  readonly eni: string | undefined;
  readonly by: string;
}

export class SimCloud {
  conditions: ApiConditions = QUIET_API;
  /** Per target key: the owner's history (ENI), newest last. */
  private readonly owners = new Map<string, Versioned<string | undefined>[]>();
  /** Per target key and instance id: that agent's fence record's history. */
  private readonly fences = new Map<string, Map<string, Versioned<FenceRecord>[]>>();
  private readonly cutOff = new Set<string>();
  readonly changes: OwnerChange[] = [];
  /** Calls that reached the API, per host. */
  readonly callsByHost = new Map<string, number>();

  constructor(
    private readonly clock: SimClock,
    private readonly prng: Prng,
  ) {}

  /** The truth now (not what a lagging read shows). */
  ownerOf(target: CloudTarget): string | undefined {
    return this.owners.get(targetName(target))?.at(-1)?.value;
  }

  setReachable(hostId: string, reachable: boolean): void {
    if (reachable) this.cutOff.delete(hostId);
    else this.cutOff.add(hostId);
  }

  reachable(hostId: string): boolean {
    return !this.cutOff.has(hostId);
  }

  /** One call; `answer` runs later on the clock (never in this turn). */
  request(
    caller: ApiCaller,
    target: CloudTarget,
    call: CloudCall,
    answer: (outcome: CallOutcome) => void,
  ): void {
    const c = this.conditions;
    const name = callName(target, call);
    const fail = (code: string, retryable: boolean, message: string): CallOutcome => ({
      ok: false,
      failure: { call: name, code, message, retryable },
    });
    const timeout = fail('CLOUD_TIMEOUT', true, `EC2 ${name} got no answer`);
    const sentAtMs = this.clock.nowMs();
    if (this.cutOff.has(caller.hostId)) {
      this.clock.setUncheckedTimer(sentAtMs + SIM_CALL_TIMEOUT_MS, () => answer(timeout));
      return;
    }
    const there = this.prng.range(c.latencyMs[0], c.latencyMs[1]);
    const back = this.prng.range(c.latencyMs[0], c.latencyMs[1]);
    const roll = this.prng.float();
    this.clock.setUncheckedTimer(sentAtMs + there, () => {
      // Cut off while the request was on its way: it never arrives.
      if (this.cutOff.has(caller.hostId)) {
        this.clock.setUncheckedTimer(sentAtMs + SIM_CALL_TIMEOUT_MS, () => answer(timeout));
        return;
      }
      this.callsByHost.set(caller.hostId, (this.callsByHost.get(caller.hostId) ?? 0) + 1);
      let outcome: CallOutcome;
      if (roll < c.throttleRate) {
        outcome = fail('CLOUD_THROTTLED', true, 'RequestLimitExceeded');
      } else if (roll < c.throttleRate + c.serverErrorRate) {
        outcome = fail('CLOUD_SERVER_ERROR', true, 'InternalError');
      } else {
        outcome = this.apply(caller, target, call, fail);
        if (roll < c.throttleRate + c.serverErrorRate + c.timeoutRate) {
          // Applied, but the answer is lost.
          this.clock.setUncheckedTimer(sentAtMs + SIM_CALL_TIMEOUT_MS, () => answer(timeout));
          return;
        }
      }
      // Latencies stay far below the call timeout (ApiConditions), so the answer is in time.
      this.clock.setUncheckedTimer(this.clock.nowMs() + back, () => answer(outcome));
    });
  }

  private apply(
    caller: ApiCaller,
    target: CloudTarget,
    call: CloudCall,
    fail: (code: string, retryable: boolean, message: string) => CallOutcome,
  ): CallOutcome {
    const key = targetName(target);
    const nowMs = this.clock.nowMs();
    switch (call.kind) {
      case 'claim': {
        if (target.kind === 'elastic-ip') {
          // AssociateAddress: the private address must be on the caller's ENI already.
          const address = this.addressOwner(target.privateIp);
          if (address !== undefined && address !== caller.eni) {
            return fail(
              'CLOUD_INVALID_REQUEST',
              false,
              'InvalidParameterValue: address not on ENI',
            );
          }
        }
        const history = this.owners.get(key) ?? [];
        if (history.at(-1)?.value !== caller.eni) {
          history.push({ atMs: nowMs, value: caller.eni });
          this.owners.set(key, history);
          this.changes.push({ atMs: nowMs, target: key, eni: caller.eni, by: caller.hostId });
        }
        return { ok: true, kind: 'claim' };
      }
      case 'writeFence': {
        const byAgent = this.fences.get(key) ?? new Map<string, Versioned<FenceRecord>[]>();
        const history = byAgent.get(caller.instanceId) ?? [];
        history.push({ atMs: nowMs, value: call.record });
        byAgent.set(caller.instanceId, history);
        this.fences.set(key, byAgent);
        return { ok: true, kind: 'writeFence' };
      }
      case 'observe': {
        const asOfMs = nowMs - this.prng.range(0, this.conditions.readLagMaxMs);
        const owner = valueAt(this.owners.get(key) ?? [], asOfMs);
        return { ok: true, kind: 'observe', ownerNetworkInterfaceId: owner };
      }
      case 'readFences': {
        const asOfMs = nowMs - this.prng.range(0, this.conditions.readLagMaxMs);
        const records: FenceRecord[] = [];
        for (const history of this.fences.get(key)?.values() ?? []) {
          const record = valueAt(history, asOfMs);
          if (record !== undefined) records.push(record);
        }
        return { ok: true, kind: 'readFences', records };
      }
    }
  }

  /** The ENI a secondary-ip target holding `address` is on now. */
  private addressOwner(address: string): string | undefined {
    return this.owners.get(targetName({ kind: 'secondary-ip', address }))?.at(-1)?.value;
  }
}

function valueAt<T>(history: readonly Versioned<T>[], asOfMs: number): T | undefined {
  let value: T | undefined;
  for (const entry of history) {
    if (entry.atMs > asOfMs) break;
    value = entry.value;
  }
  return value;
}

function callName(target: CloudTarget, call: CloudCall): string {
  if (call.kind === 'writeFence') return 'CreateTags';
  if (call.kind === 'readFences') return 'DescribeTags';
  switch (target.kind) {
    case 'secondary-ip':
      return call.kind === 'claim' ? 'AssignPrivateIpAddresses' : 'DescribeNetworkInterfaces';
    case 'elastic-ip':
      return call.kind === 'claim' ? 'AssociateAddress' : 'DescribeAddresses';
    case 'route-table':
      return call.kind === 'claim' ? 'ReplaceRoute' : 'DescribeRouteTables';
  }
}
