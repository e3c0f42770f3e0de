// infra/grafana/floatd.json, floatd's own dashboard: it parses, every panel has a query, and
// every query names only series floatd exports, taken from the metric classes the agent and
// the cloud side register (not from a list kept by hand). Each rule with a sabotage case.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { SplitBrainMetrics } from '../../src/agent/status/split-brain-metrics.js';
import { TrackerMetrics } from '../../src/agent/status/tracker-metrics.js';
import { VrrpMetrics } from '../../src/agent/status/vrrp-metrics.js';
import { CloudMetrics } from '../../src/cloud/metrics.js';
import { dashboardProblems, panelsOf, queriesOf, type Dashboard } from './lib/dashboard-checks.js';
import { metricNamesOf, templatingExpr } from './lib/promql-metric-names.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dashboardFile = resolve(repoRoot, 'infra/grafana/floatd.json');
const load = (): Dashboard => JSON.parse(readFileSync(dashboardFile, 'utf8')) as Dashboard;

/** The series names Prometheus stores for floatd's metrics: a histogram's three, not its own. */
async function exportedSeries(): Promise<Set<string>> {
  const registry = new Registry();
  new VrrpMetrics(registry, () => []);
  new TrackerMetrics(registry, () => []);
  new SplitBrainMetrics(registry, () => []);
  new CloudMetrics(registry);
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    const type = String(metric.type);
    if (type === 'histogram' || type === 'summary') {
      for (const suffix of ['_sum', '_count', type === 'histogram' ? '_bucket' : ''])
        if (suffix !== '') names.add(`${metric.name}${suffix}`);
    } else {
      names.add(metric.name);
    }
  }
  return names;
}

describe('the floatd dashboard', () => {
  it('names only metrics floatd exports, and every panel queries something', async () => {
    const exported = await exportedSeries();
    expect(exported.size).toBeGreaterThan(10);
    expect(dashboardProblems(load(), exported)).toEqual([]);
  });

  it('shows states, transitions by reason, adverts and drops, trackers, failover and API latency', () => {
    const used = new Set(queriesOf(load()).flatMap((q) => metricNamesOf(q.expr)));
    for (const name of [
      'floatd_vrrp_state',
      'floatd_vrrp_transitions_total',
      'floatd_vrrp_adverts_sent_total',
      'floatd_vrrp_adverts_received_total',
      'floatd_vrrp_adverts_dropped_total',
      'floatd_vrrp_split_brain_suspected',
      'floatd_tracker_checks_total',
      'floatd_tracker_up',
      'floatd_cloud_failover_duration_seconds_bucket',
      'floatd_cloud_api_call_duration_seconds_bucket',
    ]) {
      expect(used, name).toContain(name);
    }
    const transitions = queriesOf(load()).find((q) => q.expr.includes('transitions_total'));
    expect(transitions?.expr).toMatch(/by \([^)]*\breason\b/);
  });

  it('lays panels out without overlap, each with its own id', () => {
    const panels = load().panels ?? [];
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    for (const p of panels) {
      const g = p.gridPos;
      expect(g, p.title).toBeDefined();
      if (g === undefined) continue;
      expect(g.x + g.w, p.title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          const key = `${x},${y}`;
          expect(cells.get(key), `${p.title} overlaps`).toBeUndefined();
          cells.set(key, p.title ?? '');
        }
    }
  });

  describe('sabotage', () => {
    /** The problems of the dashboard with one panel more. */
    const problemsWith = async (panel: object): Promise<string[]> => {
      const dashboard = load();
      const panels = [...(dashboard.panels ?? []), panel];
      return dashboardProblems({ ...dashboard, panels }, await exportedSeries());
    };

    it('a query naming a metric floatd does not export fails', async () => {
      const problems = await problemsWith({
        id: 900,
        type: 'timeseries',
        title: 'Lost adverts',
        targets: [{ expr: 'sum by (instance) (rate(floatd_vrrp_adverts_lost_total[5m]))' }],
      });
      expect(problems).toEqual([
        'panel "Lost adverts": floatd_vrrp_adverts_lost_total is not a metric floatd exports',
      ]);
    });

    it("a histogram's bare name fails (Prometheus stores _bucket, _sum, _count)", async () => {
      const problems = await problemsWith({
        id: 901,
        type: 'stat',
        title: 'Failover',
        targets: [{ expr: 'floatd_cloud_failover_duration_seconds' }],
      });
      expect(problems).toEqual([
        'panel "Failover": floatd_cloud_failover_duration_seconds is not a metric floatd exports',
      ]);
    });

    it('a panel without a query fails, inside a row too', async () => {
      const problems = await problemsWith({
        id: 902,
        type: 'row',
        title: 'More',
        panels: [{ id: 903, type: 'timeseries', title: 'Empty', targets: [{ expr: ' ' }] }],
      });
      expect(problems).toEqual(['panel "Empty" has no query']);
    });

    it('a templating query naming an unknown metric fails', async () => {
      const dashboard = load();
      const problems = dashboardProblems(
        {
          ...dashboard,
          templating: {
            list: [{ name: 'job', query: { query: 'label_values(keepalived_up, job)' } }],
          },
        },
        await exportedSeries(),
      );
      expect(problems).toEqual(['variable $job: keepalived_up is not a metric floatd exports']);
    });
  });
});

describe('metricNamesOf', () => {
  it.each([
    ['floatd_vrrp_state{job=~"$job", state="master"} == 1', ['floatd_vrrp_state']],
    [
      'histogram_quantile(0.99, sum by (le, call) (rate(a_bucket{x="by (y)"}[$__rate_interval])))',
      ['a_bucket'],
    ],
    ['a + ignoring(state) 2 * b offset 5m', ['a', 'b']],
    ['sum without (instance) (rate(a_total[1h:5m])) / on (job) group_left (x) c', ['a_total', 'c']],
    ['1e3 * 0.5 + inf', []],
  ])('%s names %j', (expr, names) => {
    expect(metricNamesOf(expr)).toEqual(names);
  });

  it('reads Grafana label_values queries', () => {
    expect(templatingExpr('label_values(floatd_vrrp_state, job)')).toBe('floatd_vrrp_state');
    expect(templatingExpr('label_values(job)')).toBe('');
    expect(templatingExpr('up{job="x"}')).toBe('up{job="x"}');
  });
});

it('panelsOf flattens rows and leaves them out', () => {
  const panels = panelsOf({
    panels: [
      { type: 'row', panels: [{ id: 2, type: 'stat' }] },
      { id: 3, type: 'stat' },
    ],
  });
  expect(panels.map((p) => p.id)).toEqual([2, 3]);
});
