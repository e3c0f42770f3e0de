// The failover timeline of a takeover (decision, first request, accepted, confirmed): its
// metrics and the one log line that sums it up once the cloud confirms.
import type { Logger } from 'pino';
import type { CloudMetrics } from './metrics.js';
import { round } from './step-runner.js';
import type { FailoverTimeline } from './target-types.js';

export function recordAccepted(
  timeline: FailoverTimeline,
  atMs: number,
  metrics: CloudMetrics | undefined,
): void {
  timeline.acceptedAtMs = atMs;
  if (metrics === undefined) return;
  if (timeline.firstRequestAtMs !== undefined) {
    metrics.failoverDuration.observe(
      { stage: 'first_request' },
      (timeline.firstRequestAtMs - timeline.startedAtMs) / 1000,
    );
  }
  metrics.failoverDuration.observe({ stage: 'accepted' }, (atMs - timeline.startedAtMs) / 1000);
}

/** The first confirmation of this takeover only: later re-checks confirm nothing new. */
export function recordConfirmed(
  timeline: FailoverTimeline | undefined,
  atMs: number,
  metrics: CloudMetrics | undefined,
  log: Logger,
): void {
  if (timeline === undefined || timeline.confirmedAtMs !== undefined) return;
  timeline.confirmedAtMs = atMs;
  const since = (t: number | undefined): number => round((t ?? atMs) - timeline.startedAtMs);
  metrics?.failoverDuration.observe({ stage: 'confirmed' }, (atMs - timeline.startedAtMs) / 1000);
  log.info(
    {
      event: 'cloud-confirmed',
      term: timeline.term,
      msToFirstRequest: since(timeline.firstRequestAtMs),
      msToAccepted: since(timeline.acceptedAtMs),
      msToConfirmed: since(atMs),
    },
    'cloud confirms this host owns the target',
  );
}
