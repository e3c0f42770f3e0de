// Prometheus metrics of the cloud side (prom-client). A Registry is passed in, so the agent's
// /metrics endpoint and a test each see their own; names follow Prometheus conventions.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type CallOutcome =
  'ok' | 'throttled' | 'server-error' | 'timeout' | 'network' | 'client-error';

export interface CallEvent {
  readonly call: string;
  readonly outcome: CallOutcome;
  readonly code?: string | undefined;
  readonly durationMs: number;
  /** High-resolution epoch ms when the request was sent. */
  readonly startedAtMs: number;
}

export type FailoverStage = 'first_request' | 'accepted' | 'confirmed';

export class CloudMetrics {
  readonly apiCalls: Counter<'call' | 'outcome'>;
  readonly apiCallDuration: Histogram<'call'>;
  readonly throttles: Counter<'call'>;
  readonly claims: Counter<'instance' | 'target' | 'result'>;
  readonly fenced: Gauge<'instance' | 'target'>;
  readonly converged: Gauge<'instance' | 'target'>;
  readonly failoverDuration: Histogram<'stage'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.apiCalls = new Counter({
      name: 'floatd_cloud_api_calls_total',
      help: 'Cloud API calls made, by call and outcome.',
      labelNames: ['call', 'outcome'],
      registers,
    });
    this.apiCallDuration = new Histogram({
      name: 'floatd_cloud_api_call_duration_seconds',
      help: 'Latency of cloud API calls, by call.',
      labelNames: ['call'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.throttles = new Counter({
      name: 'floatd_cloud_api_throttles_total',
      help: 'Cloud API calls refused by throttling (RequestLimitExceeded).',
      labelNames: ['call'],
      registers,
    });
    this.claims = new Counter({
      name: 'floatd_cloud_claims_total',
      help: 'Claims of a cloud target by this agent, by result.',
      labelNames: ['instance', 'target', 'result'],
      registers,
    });
    this.fenced = new Gauge({
      name: 'floatd_cloud_fenced',
      help: '1 while this MASTER is fenced off a target by a newer term held by another agent.',
      labelNames: ['instance', 'target'],
      registers,
    });
    this.converged = new Gauge({
      name: 'floatd_cloud_converged',
      help: '1 while the cloud confirms this agent owns the target.',
      labelNames: ['instance', 'target'],
      registers,
    });
    this.failoverDuration = new Histogram({
      name: 'floatd_cloud_failover_duration_seconds',
      help: 'Time from the MASTER decision to each failover stage of a cloud target.',
      labelNames: ['stage'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  observeCall(event: CallEvent): void {
    this.apiCalls.inc({ call: event.call, outcome: event.outcome });
    this.apiCallDuration.observe({ call: event.call }, event.durationMs / 1000);
    if (event.outcome === 'throttled') this.throttles.inc({ call: event.call });
  }
}
