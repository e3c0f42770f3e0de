// CloudWatch's embedded metric format (EMF): one JSON log line that CloudWatch Logs turns into
// metrics, so the Lambda needs no PutMetricData call (and no permission for it). The document:
// `_aws` { Timestamp (epoch ms), CloudWatchMetrics: [{ Namespace, Dimensions: [[names]],
// Metrics: [{ Name, Unit }] }] }, and each dimension and metric as a member of the root.
export const EMF_NAMESPACE = 'floatd/controller';

/** CloudWatch's units that the controller uses. */
export type EmfUnit = 'Count' | 'Milliseconds';

export interface EmfMetric {
  readonly name: string;
  readonly unit: EmfUnit;
  readonly value: number;
}

/** EMF's limits: 30 dimensions in a set, 100 metrics in a directive. */
const MAX_DIMENSIONS = 30;
const MAX_METRICS = 100;

/** The log line (without newline); refuses what CloudWatch would reject, rather than lose it. */
export function emfLine(
  timestampMs: number,
  dimensions: Readonly<Record<string, string>>,
  metrics: readonly EmfMetric[],
  namespace = EMF_NAMESPACE,
): string {
  const names = Object.keys(dimensions);
  if (names.length > MAX_DIMENSIONS) throw new RangeError(`more than ${MAX_DIMENSIONS} dimensions`);
  if (metrics.length === 0 || metrics.length > MAX_METRICS) {
    throw new RangeError(`1 to ${MAX_METRICS} metrics, got ${metrics.length}`);
  }
  const members: Record<string, string | number> = { ...dimensions };
  for (const m of metrics) {
    if (m.name in members) throw new RangeError(`metric ${m.name} named twice or as a dimension`);
    if (!Number.isFinite(m.value))
      throw new RangeError(`metric ${m.name}: ${m.value} is not finite`);
    members[m.name] = m.value;
  }
  return JSON.stringify({
    _aws: {
      Timestamp: Math.round(timestampMs),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [names],
          Metrics: metrics.map((m) => ({ Name: m.name, Unit: m.unit })),
        },
      ],
    },
    ...members,
  });
}
