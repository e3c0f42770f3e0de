// Fault injection: latency and spikes, throttling, 5xx, hung requests and eventually consistent
// reads, drawn from a seeded PRNG so a run is reproducible. Settings are mutable at run time.

import type { EmulatorPrng } from './prng.js';

export interface FaultSettings {
  /** Added to every response. */
  latencyMs: number;
  /** Extra delay drawn with probability spikeRate. */
  spikeMs: number;
  spikeRate: number;
  /** RequestLimitExceeded (HTTP 503), EC2's throttling error. */
  throttleRate: number;
  /** InternalError (500) or Unavailable (503), half each. */
  serverErrorRate: number;
  /** Accept the request and never answer (the client's timeout fires). */
  timeoutRate: number;
  /** With a timeout fault, apply a write first (the answer, not the request, is lost). */
  timeoutAfterApply: boolean;
  /** Describe* read the state as it was this long ago; writes apply at once. */
  describeLagMs: number;
  /** Inject only into these actions (all when undefined). */
  only: string[] | undefined;
}

export type FaultKind = 'throttle' | 'internal-error' | 'unavailable' | 'timeout' | 'spike';

export type FaultCounts = Record<FaultKind, number>;

export interface FaultDecision {
  readonly delayMs: number;
  readonly spiked: boolean;
  readonly error: Exclude<FaultKind, 'spike'> | undefined;
}

export function defaultFaultSettings(): FaultSettings {
  return {
    latencyMs: 0,
    spikeMs: 0,
    spikeRate: 0,
    throttleRate: 0,
    serverErrorRate: 0,
    timeoutRate: 0,
    timeoutAfterApply: false,
    describeLagMs: 0,
    only: undefined,
  };
}

function zeroCounts(): FaultCounts {
  return { throttle: 0, 'internal-error': 0, unavailable: 0, timeout: 0, spike: 0 };
}

export class FaultInjector {
  readonly settings: FaultSettings = defaultFaultSettings();
  readonly counts: Record<string, FaultCounts> = {};

  constructor(private readonly rng: EmulatorPrng) {}

  applies(action: string): boolean {
    const only = this.settings.only;
    return only === undefined || only.includes(action);
  }

  /** The lag a Describe* of `action` reads with. */
  describeLagMs(action: string): number {
    return this.applies(action) ? Math.max(0, this.settings.describeLagMs) : 0;
  }

  /** Draws this request's faults; the order of draws is fixed so a seed replays exactly. */
  decide(action: string): FaultDecision {
    const s = this.settings;
    if (!this.applies(action)) return { delayMs: 0, spiked: false, error: undefined };
    const spiked = this.rng.chance(s.spikeRate);
    let error: FaultDecision['error'];
    if (this.rng.chance(s.timeoutRate)) error = 'timeout';
    else if (this.rng.chance(s.throttleRate)) error = 'throttle';
    else if (this.rng.chance(s.serverErrorRate)) {
      error = this.rng.float() < 0.5 ? 'internal-error' : 'unavailable';
    }
    const counts = (this.counts[action] ??= zeroCounts());
    if (spiked) counts.spike++;
    if (error) counts[error]++;
    return {
      delayMs: Math.max(0, s.latencyMs) + (spiked ? Math.max(0, s.spikeMs) : 0),
      spiked,
      error,
    };
  }

  reset(): void {
    Object.assign(this.settings, defaultFaultSettings());
  }
}

/** What EC2 answers for each injected error (errors-overview: server error codes). */
export const faultErrors: Readonly<
  Record<
    'throttle' | 'internal-error' | 'unavailable',
    { code: string; status: number; message: string }
  >
> = {
  throttle: { code: 'RequestLimitExceeded', status: 503, message: 'Request limit exceeded.' },
  'internal-error': {
    code: 'InternalError',
    status: 500,
    message: 'An internal error has occurred',
  },
  unavailable: {
    code: 'Unavailable',
    status: 503,
    message: "The server is overloaded and can't handle the request.",
  },
};
