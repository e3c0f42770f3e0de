// An in-memory cloud for the reconciler's unit tests: one world of owners and fence records shared
// by several providers (one per host identity), with per-call latency, read lag, scriptable
// failures and a call log. Time is Date.now() and setTimeout, so vitest fake timers drive it.
import { pino, type Logger } from 'pino';
import { vi } from 'vitest';
import { Registry } from 'prom-client';
import { CloudApiError } from '../../../src/cloud/errors.js';
import { CloudMetrics } from '../../../src/cloud/metrics.js';
import type {
  CallOptions,
  CloudIdentity,
  CloudProvider,
  FenceRecord,
  Ownership,
} from '../../../src/cloud/provider.js';
import { Reconciler } from '../../../src/cloud/reconciler.js';
import type { ReconcilerSettings } from '../../../src/cloud/reconcile/settings.js';
import { targetName, type CloudTarget } from '../../../src/cloud/target.js';
import { realTiming, type CloudTiming } from '../../../src/cloud/timing.js';

export type Method = 'claim' | 'release' | 'observe' | 'readFences' | 'writeFence';

/** The EC2 call each method stands for (secondary-ip targets), as the AWS provider names them. */
export const CALL_NAME: Readonly<Record<Method, string>> = {
  claim: 'AssignPrivateIpAddresses',
  release: 'UnassignPrivateIpAddresses',
  observe: 'DescribeNetworkInterfaces',
  readFences: 'DescribeTags',
  writeFence: 'CreateTags',
};

export interface CallLogEntry {
  readonly instanceId: string;
  readonly method: Method;
  readonly target: string;
  readonly startedAtMs: number;
  endedAtMs: number | undefined;
  outcome: 'pending' | 'ok' | 'error' | 'aborted';
  code?: string;
  /** writeFence: the record written. */
  readonly record?: FenceRecord;
}

export interface FailureRule {
  readonly method: Method;
  /** Only this host's calls; every host's when undefined. */
  readonly instanceId?: string;
  /** Only calls this accepts (e.g. by the record written); every call when undefined. */
  readonly when?: (call: CallLogEntry) => boolean;
  /** How many matching calls fail (then the rule is spent); forever when undefined. */
  times?: number;
  readonly error: (call: string) => Error;
}

export const throttled = (call: string): CloudApiError =>
  new CloudApiError('RequestLimitExceeded', call, 'Request limit exceeded.', true);
export const authFailure = (call: string): CloudApiError =>
  new CloudApiError('AuthFailure', call, 'AWS was not able to validate the credentials.', false);
export const serverError = (call: string): CloudApiError =>
  new CloudApiError('InternalError', call, 'An internal error has occurred.', true);

interface OwnerChange {
  readonly atMs: number;
  readonly owner: string | undefined;
}

interface FenceWrite {
  readonly atMs: number;
  readonly record: FenceRecord;
}

export interface FakeCloudOptions {
  /** Latency of every call (ms); per method overrides. The effect lands at the end. */
  readonly latencyMs?: number;
  readonly latencyByMethodMs?: Partial<Record<Method, number>>;
  /** observe() shows the owner as it was this long ago (EC2 eventual consistency). */
  readonly ownerReadLagMs?: number;
  /** readFences() shows records as they were this long ago. */
  readonly fenceReadLagMs?: number;
}

export class FakeCloud {
  readonly calls: CallLogEntry[] = [];
  readonly rules: FailureRule[] = [];
  /** Methods whose in-flight calls ignore the abort signal (the request is already on the wire). */
  readonly ignoresAbort = new Set<Method>();
  ownerReadLagMs: number;
  fenceReadLagMs: number;
  latencyMs: number;
  readonly latencyByMethodMs: Partial<Record<Method, number>>;
  private readonly owners = new Map<string, OwnerChange[]>();
  private readonly fences = new Map<string, FenceWrite[]>();

  constructor(options: FakeCloudOptions = {}) {
    this.latencyMs = options.latencyMs ?? 10;
    this.latencyByMethodMs = { ...options.latencyByMethodMs };
    this.ownerReadLagMs = options.ownerReadLagMs ?? 0;
    this.fenceReadLagMs = options.fenceReadLagMs ?? 0;
  }

  /** A provider for host `name`: instance `i-<name>`, ENI `eni-<name>`. */
  host(name: string): FakeProvider {
    return new FakeProvider(this, {
      instanceId: `i-${name}`,
      networkInterfaceId: `eni-${name}`,
      subnetId: 'subnet-1',
      region: 'eu-west-1',
    });
  }

  fail(rule: FailureRule): FailureRule {
    this.rules.push(rule);
    return rule;
  }

  clearFailures(): void {
    this.rules.length = 0;
  }

  /** The true owner now (no lag). */
  ownerOf(target: CloudTarget): string | undefined {
    return this.ownerHistory(target).at(-1)?.owner;
  }

  /** Every change of owner, oldest first. */
  ownerHistory(target: CloudTarget): readonly OwnerChange[] {
    return this.owners.get(targetName(target)) ?? [];
  }

  /** Moved outside floatd (an operator, an old notify script). */
  setOwner(target: CloudTarget, eni: string | undefined): void {
    this.recordOwner(targetName(target), eni);
  }

  /** Latest record per writer as of `lagMs` ago. */
  fenceRecords(target: CloudTarget, lagMs = 0): FenceRecord[] {
    const cutoffMs = Date.now() - lagMs;
    const latest = new Map<string, FenceRecord>();
    for (const write of this.fences.get(targetName(target)) ?? []) {
      if (write.atMs <= cutoffMs) latest.set(write.record.owner, write.record);
    }
    return [...latest.values()];
  }

  /** Completed successful calls, optionally by host and method, since `sinceMs`. */
  succeeded(
    filter: { instanceId?: string; method?: Method; sinceMs?: number } = {},
  ): CallLogEntry[] {
    return this.calls.filter(
      (c) =>
        c.outcome === 'ok' &&
        (filter.instanceId === undefined || c.instanceId === filter.instanceId) &&
        (filter.method === undefined || c.method === filter.method) &&
        c.startedAtMs >= (filter.sinceMs ?? -Infinity),
    );
  }

  /** Calls sent (any outcome), optionally by host and method, since `sinceMs`. */
  sent(filter: { instanceId?: string; method?: Method; sinceMs?: number } = {}): CallLogEntry[] {
    return this.calls.filter(
      (c) =>
        (filter.instanceId === undefined || c.instanceId === filter.instanceId) &&
        (filter.method === undefined || c.method === filter.method) &&
        c.startedAtMs >= (filter.sinceMs ?? -Infinity),
    );
  }

  /** One call: log it, wait its latency (abortable), then fail as scripted or apply `effect`. */
  async call<T>(
    instanceId: string,
    method: Method,
    target: CloudTarget,
    options: CallOptions | undefined,
    effect: () => T,
    record?: FenceRecord,
  ): Promise<T> {
    const entry: CallLogEntry = {
      instanceId,
      method,
      target: targetName(target),
      startedAtMs: Date.now(),
      endedAtMs: undefined,
      outcome: 'pending',
      ...(record === undefined ? {} : { record }),
    };
    this.calls.push(entry);
    const signal = this.ignoresAbort.has(method) ? undefined : options?.signal;
    try {
      await realTiming.sleep(this.latencyByMethodMs[method] ?? this.latencyMs, signal);
    } catch (error) {
      entry.outcome = 'aborted';
      entry.endedAtMs = Date.now();
      throw error;
    }
    entry.endedAtMs = Date.now();
    const rule = this.rules.find(
      (r) =>
        r.method === method &&
        (r.instanceId === undefined || r.instanceId === instanceId) &&
        (r.when === undefined || r.when(entry)) &&
        (r.times === undefined || r.times > 0),
    );
    if (rule !== undefined) {
      if (rule.times !== undefined) rule.times--;
      const error = rule.error(CALL_NAME[method]);
      entry.outcome = 'error';
      entry.code = error instanceof CloudApiError ? error.code : 'UNEXPECTED';
      throw error;
    }
    entry.outcome = 'ok';
    return effect();
  }

  recordOwner(key: string, owner: string | undefined): void {
    const history = this.owners.get(key) ?? [];
    if (history.at(-1)?.owner === owner) return;
    history.push({ atMs: Date.now(), owner });
    this.owners.set(key, history);
  }

  laggedOwner(key: string): string | undefined {
    const cutoffMs = Date.now() - this.ownerReadLagMs;
    let owner: string | undefined;
    for (const change of this.owners.get(key) ?? [])
      if (change.atMs <= cutoffMs) owner = change.owner;
    return owner;
  }

  writeFence(key: string, record: FenceRecord): void {
    const writes = this.fences.get(key) ?? [];
    writes.push({ atMs: Date.now(), record });
    this.fences.set(key, writes);
  }
}

export class FakeProvider implements CloudProvider {
  constructor(
    readonly cloud: FakeCloud,
    readonly identity: CloudIdentity,
  ) {}

  claim(target: CloudTarget, options?: CallOptions): Promise<void> {
    return this.cloud.call(this.identity.instanceId, 'claim', target, options, () =>
      this.cloud.recordOwner(targetName(target), this.identity.networkInterfaceId),
    );
  }

  release(target: CloudTarget, options?: CallOptions): Promise<void> {
    return this.cloud.call(this.identity.instanceId, 'release', target, options, () => {
      if (this.cloud.ownerOf(target) === this.identity.networkInterfaceId) {
        this.cloud.recordOwner(targetName(target), undefined);
      }
    });
  }

  observe(target: CloudTarget, options?: CallOptions): Promise<Ownership> {
    return this.cloud.call(this.identity.instanceId, 'observe', target, options, () => ({
      ownerNetworkInterfaceId: this.cloud.laggedOwner(targetName(target)),
    }));
  }

  readFences(target: CloudTarget, options?: CallOptions): Promise<readonly FenceRecord[]> {
    return this.cloud.call(this.identity.instanceId, 'readFences', target, options, () =>
      this.cloud.fenceRecords(target, this.cloud.fenceReadLagMs),
    );
  }

  writeFence(target: CloudTarget, record: FenceRecord, options?: CallOptions): Promise<void> {
    // The contract: each agent writes only its own key.
    if (record.owner !== this.identity.instanceId) {
      return Promise.reject(
        new Error(`${this.identity.instanceId} wrote ${record.owner}'s record`),
      );
    }
    return this.cloud.call(
      this.identity.instanceId,
      'writeFence',
      target,
      options,
      () => this.cloud.writeFence(targetName(target), record),
      record,
    );
  }
}

/** A deterministic uniform [0, 1) source (an LCG; good enough for jitter in tests). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

/** Real sleeps (driven by fake timers), Date.now() (faked), and a seeded random that records draws. */
export function testTiming(seed = 1): CloudTiming & { readonly draws: number[] } {
  const random = seededRandom(seed);
  const draws: number[] = [];
  return {
    nowMs: () => Date.now(),
    sleep: realTiming.sleep,
    random: () => {
      const r = random();
      draws.push(r);
      return r;
    },
    draws,
  };
}

export type LogLine = Record<string, unknown> & { event?: string; msg?: string };

/** A pino logger that keeps every line as parsed JSON. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines };
}

export const VIP: CloudTarget = { kind: 'secondary-ip', address: '10.0.1.50' };

export interface TestAgent {
  readonly name: string;
  readonly provider: FakeProvider;
  readonly reconciler: Reconciler;
  readonly lines: LogLine[];
  readonly registry: Registry;
  readonly metrics: CloudMetrics;
  readonly timing: ReturnType<typeof testTiming>;
}

/** One agent (host `name`) over `cloud`, with its own logs, metrics and seeded timing. */
export function testAgent(
  cloud: FakeCloud,
  name: string,
  options: {
    settings?: Partial<ReconcilerSettings>;
    targets?: readonly CloudTarget[];
    /** Discovery done at construction (default true). */
    ready?: boolean;
    seed?: number;
  } = {},
): TestAgent {
  const { logger, lines } = captureLogger();
  const registry = new Registry();
  const metrics = new CloudMetrics(registry);
  const timing = testTiming(options.seed ?? name.charCodeAt(0));
  const provider = cloud.host(name);
  const reconciler = new Reconciler({
    instance: 'vi1',
    targets: options.targets ?? [VIP],
    logger,
    settings: options.settings,
    timing,
    metrics,
  });
  if (options.ready ?? true) reconciler.setProvider(provider);
  return { name, provider, reconciler, lines, registry, metrics, timing };
}

/** A gauge or counter value from the agent's registry, by labels. */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return undefined;
  const data = await metric.get();
  const match = data.values.find((v) =>
    Object.entries(labels).every(([k, value]) => v.labels[k] === value),
  );
  return match?.value;
}

/** Advance fake time in `stepMs` steps until `condition` holds (fails past `maxMs`). */
export async function advanceUntil(
  condition: () => boolean,
  { stepMs = 10, maxMs = 120_000 }: { stepMs?: number; maxMs?: number } = {},
): Promise<void> {
  for (let elapsedMs = 0; !condition(); elapsedMs += stepMs) {
    if (elapsedMs > maxMs) throw new Error(`condition not met within ${maxMs} ms`);
    await vi.advanceTimersByTimeAsync(stepMs);
  }
}

/** Await `promise` while advancing fake time in `stepMs` steps (it may wait on fake calls). */
export async function whileAdvancing<T>(
  promise: Promise<T>,
  { stepMs = 1, maxMs = 60_000 }: { stepMs?: number; maxMs?: number } = {},
): Promise<T> {
  let settled = false;
  const done = (): void => {
    settled = true;
  };
  void promise.then(done, done);
  await advanceUntil(() => settled, { stepMs, maxMs });
  return promise;
}
