// Tracker metrics on a fresh registry, fed from a mutable sample list: the exposition text at
// each scrape follows the samples, counters never go backwards, and the text parses.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TrackerMetrics, type TrackerSample } from '../../../src/agent/status/tracker-metrics.js';

function setup(): { registry: Registry; samples: TrackerSample[]; scrape: () => Promise<string> } {
  const registry = new Registry();
  const samples: TrackerSample[] = [];
  new TrackerMetrics(registry, () => samples);
  return { registry, samples, scrape: () => registry.metrics() };
}

const web: TrackerSample = {
  name: 'web',
  type: 'http',
  health: 'ok',
  ok: 3,
  failed: 2,
  timeouts: 1,
};
const weight: TrackerSample = {
  name: 'weight',
  type: 'file',
  health: 'ok',
  value: -7,
  ok: 4,
  failed: 0,
  timeouts: 0,
};

/** The sample lines (no # HELP / # TYPE) of the exposition text. */
const lines = (text: string): string[] =>
  text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));

describe('TrackerMetrics', () => {
  it('exposes check totals by result, up and file values', async () => {
    const { samples, scrape } = setup();
    samples.push(web, weight);
    expect(lines(await scrape()).sort()).toEqual(
      [
        'floatd_tracker_checks_total{tracker="web",result="ok"} 3',
        'floatd_tracker_checks_total{tracker="web",result="failed"} 2',
        'floatd_tracker_checks_total{tracker="web",result="timeout"} 1',
        'floatd_tracker_checks_total{tracker="weight",result="ok"} 4',
        'floatd_tracker_checks_total{tracker="weight",result="failed"} 0',
        'floatd_tracker_checks_total{tracker="weight",result="timeout"} 0',
        'floatd_tracker_up{tracker="web",type="http"} 1',
        'floatd_tracker_up{tracker="weight",type="file"} 1',
        'floatd_tracker_value{tracker="weight"} -7',
      ].sort(),
    );
  });

  it('follows the samples at each scrape without running counters backwards', async () => {
    const { samples, scrape } = setup();
    samples.push(web);
    await scrape();
    await scrape(); // a scrape must not add the totals again
    samples[0] = { ...web, health: 'failed', ok: 5, failed: 4, timeouts: 3 };
    const text = await scrape();
    expect(text).toContain('floatd_tracker_checks_total{tracker="web",result="ok"} 5\n');
    expect(text).toContain('floatd_tracker_checks_total{tracker="web",result="failed"} 4\n');
    expect(text).toContain('floatd_tracker_checks_total{tracker="web",result="timeout"} 3\n');
    expect(text).toContain('floatd_tracker_up{tracker="web",type="http"} 0\n');

    samples[0] = { ...web, health: 'init', ok: 0, failed: 0, timeouts: 0 };
    expect(await scrape()).toContain('floatd_tracker_up{tracker="web",type="http"} 0\n');
    samples[0] = { ...web, health: 'ok', ok: 6, failed: 4, timeouts: 3 };
    expect(await scrape()).toContain('floatd_tracker_up{tracker="web",type="http"} 1\n');
  });

  it('drops a tracker that is no longer sampled', async () => {
    const { samples, scrape } = setup();
    samples.push(web, weight);
    expect(await scrape()).toContain('tracker="weight"');
    samples.splice(1, 1);
    const text = await scrape();
    expect(text).not.toContain('tracker="weight"');
    expect(text).toContain('floatd_tracker_up{tracker="web",type="http"} 1\n');
  });

  it('produces text that parses as the Prometheus exposition format', async () => {
    const { samples, scrape } = setup();
    samples.push(web, weight);
    const families = parsePrometheusTextFormat(await scrape());
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get('floatd_tracker_checks_total')?.type).toBe('COUNTER');
    expect(byName.get('floatd_tracker_up')?.type).toBe('GAUGE');
    const values = byName.get('floatd_tracker_value');
    expect(values?.type).toBe('GAUGE');
    expect(values?.metrics).toEqual([{ labels: { tracker: 'weight' }, value: '-7' }]);
    const checks = byName.get('floatd_tracker_checks_total')?.metrics ?? [];
    expect(checks).toContainEqual({ labels: { tracker: 'web', result: 'timeout' }, value: '1' });
    expect(checks).toHaveLength(6);
  });

  it('exposes the families with no series when there are no trackers', async () => {
    const { scrape } = setup();
    expect(lines(await scrape())).toEqual([]);
  });
});
