// The controller's metrics in CloudWatch's embedded metric format (AWS's "Specification:
// Embedded metric format"): the directive names every dimension and metric, each is a member of
// the root, the timestamp is epoch milliseconds; what CloudWatch would reject is refused.
import { describe, expect, it } from 'vitest';
import { emfLine } from '../../../../src/cloud/controller/emf.js';

describe('embedded metric format', () => {
  it('one line: the directive and the members it references', () => {
    const line = emfLine(1_796_616_000_123.4, { Group: 'nat' }, [
      { name: 'Failovers', unit: 'Count', value: 1 },
      { name: 'DecisionToAcceptedMs', unit: 'Milliseconds', value: 42.5 },
    ]);
    expect(line).not.toContain('\n');
    const doc = JSON.parse(line) as Record<string, unknown>;
    expect(doc).toEqual({
      _aws: {
        Timestamp: 1_796_616_000_123,
        CloudWatchMetrics: [
          {
            Namespace: 'floatd/controller',
            Dimensions: [['Group']],
            Metrics: [
              { Name: 'Failovers', Unit: 'Count' },
              { Name: 'DecisionToAcceptedMs', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      Group: 'nat',
      Failovers: 1,
      DecisionToAcceptedMs: 42.5,
    });
  });

  it('refuses what CloudWatch would not extract', () => {
    const ok = { name: 'Failovers', unit: 'Count', value: 1 } as const;
    expect(() => emfLine(0, {}, [])).toThrow(/1 to 100 metrics/);
    expect(() => emfLine(0, { Failovers: 'x' }, [ok])).toThrow(/named twice or as a dimension/);
    expect(() => emfLine(0, {}, [{ ...ok, value: Number.NaN }])).toThrow(/not finite/);
    const dims = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`d${i}`, 'v']));
    expect(() => emfLine(0, dims, [ok])).toThrow(/more than 30 dimensions/);
  });
});
