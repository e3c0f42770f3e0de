// keepalived-exporter's names on a fresh registry, fed by floatd's own VRRP counters and a
// mutable instance list: every state's number, the labels as the exporter writes them, the
// counters in keepalived's terms, and only the instances and script trackers there are now.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { InstanceStatus } from '../../../src/agent/status/instance-status.js';
import {
  KeepalivedExporterMetrics,
  type CompatInstance,
} from '../../../src/agent/status/keepalived-exporter-metrics.js';
import type { TrackerSample } from '../../../src/agent/status/tracker-metrics.js';
import { VrrpMetrics } from '../../../src/agent/status/vrrp-metrics.js';
import type { VrrpState } from '../../../src/agent/vrrp/types.js';

function status(name: string, state: VrrpState): InstanceStatus {
  return {
    name,
    vrid: 51,
    interface: 'eth0',
    state,
    mode: 'multicast',
    basePriority: 150,
    effectivePriority: 150,
    masterAddress: undefined,
    lastTransition: undefined,
    counters: { advertsSent: 0, advertsReceived: 0, dropped: {}, addressErrors: 0 },
  };
}

function web(state: VrrpState): CompatInstance {
  return {
    status: status('web', state),
    vips: [
      { address: '10.0.0.100', prefixLength: 24, device: 'eth0' },
      { address: '10.0.1.100', prefixLength: 32, device: 'eth1' },
      { address: '2001:db8::100', prefixLength: 128, device: 'eth0' },
    ],
    garpMasterDelayMs: 5500,
  };
}

function setup() {
  const registry = new Registry();
  const vrrp = new VrrpMetrics(registry, () => []);
  const instances: CompatInstance[] = [web('master')];
  const trackers: TrackerSample[] = [];
  new KeepalivedExporterMetrics(
    registry,
    vrrp,
    () => instances,
    () => trackers,
  );
  const scrape = async () => {
    const families = parsePrometheusTextFormat(await registry.metrics());
    return new Map(families.map((f) => [f.name, f]));
  };
  /** One series' value, by its exact labels; undefined when there is no such series. */
  const value = async (name: string, labels: Record<string, string>) => {
    const family = (await scrape()).get(name);
    const series = family?.metrics.find(
      (m) => JSON.stringify(m.labels ?? {}) === JSON.stringify(labels),
    );
    return series === undefined ? undefined : Number(series.value);
  };
  return { vrrp, instances, trackers, scrape, value };
}

const webLabels = { iname: 'web', intf: 'eth0', vrid: '51' };

describe('KeepalivedExporterMetrics', () => {
  it.each([
    ['initialize', 0],
    ['backup', 1],
    ['master', 2],
    ['fault', 3],
  ] as const)('keepalived_vrrp_state is %s = %i, one series per VIP', async (state, code) => {
    const { instances, scrape } = setup();
    instances[0] = web(state);
    const family = (await scrape()).get('keepalived_vrrp_state');
    expect(family?.type).toBe('GAUGE');
    // The address alone for a host prefix, address/prefix otherwise; intf is the VIP's own.
    expect(family?.metrics).toEqual([
      {
        labels: { iname: 'web', intf: 'eth0', vrid: '51', ip_address: '10.0.0.100/24' },
        value: String(code),
      },
      {
        labels: { iname: 'web', intf: 'eth1', vrid: '51', ip_address: '10.0.1.100' },
        value: String(code),
      },
      {
        labels: { iname: 'web', intf: 'eth0', vrid: '51', ip_address: '2001:db8::100' },
        value: String(code),
      },
    ]);
  });

  it('counts adverts sent and received as keepalived does', async () => {
    const { vrrp, value, scrape } = setup();
    expect(await value('keepalived_advertisements_sent_total', webLabels)).toBe(0);
    expect(await value('keepalived_advertisements_received_total', webLabels)).toBe(0);
    vrrp.advertsSent.inc({ instance: 'web' }, 7);
    vrrp.advertsReceived.inc({ instance: 'web' }, 10);
    // keepalived counts an advert once version and authentication passed: not these three.
    vrrp.advertsDropped.inc({ instance: 'web', reason: 'auth-mismatch' }, 2);
    vrrp.advertsDropped.inc({ instance: 'web', reason: 'version-mismatch' });
    // ... but these it counts, then discards.
    vrrp.advertsDropped.inc({ instance: 'web', reason: 'lower-priority' }, 4);
    vrrp.advertsDropped.inc({ instance: 'web', reason: 'interval-mismatch' });
    expect(await value('keepalived_advertisements_sent_total', webLabels)).toBe(7);
    expect(await value('keepalived_advertisements_received_total', webLabels)).toBe(7);
    expect(await value('keepalived_advertisements_interval_errors_total', webLabels)).toBe(1);
    expect((await scrape()).get('keepalived_advertisements_sent_total')?.type).toBe('COUNTER');
  });

  it("counts address-list, authentication and priority-0 adverts as keepalived's stats do", async () => {
    const { vrrp, value } = setup();
    const drop = (reason: string, n: number) =>
      vrrp.advertsDropped.inc({ instance: 'web', reason }, n);
    vrrp.advertsReceived.inc({ instance: 'web' }, 20);
    // addr_list_err: a v2 advert dropped for its address list, a v3 one accepted with it.
    drop('address-list-mismatch', 2);
    vrrp.advertAnomalies.inc({ instance: 'web', reason: 'address-list-mismatch' }, 3);
    // authtype_mismatch and auth_failure apart, neither counted as received (vrrp.c checks
    // authentication before advert_rcvd++); an address-list drop is counted as received, as
    // keepalived's vrrp.c does today (2.2.7 still dropped a different count uncounted).
    drop('auth-type-mismatch', 4);
    drop('auth-mismatch', 5);
    vrrp.priorityZeroAdverts.inc({ instance: 'web', direction: 'received' }, 6);
    vrrp.priorityZeroAdverts.inc({ instance: 'web', direction: 'sent' }, 1);
    expect(await value('keepalived_address_list_errors_total', webLabels)).toBe(5);
    expect(await value('keepalived_authentication_mismatch_total', webLabels)).toBe(4);
    expect(await value('keepalived_authentication_failure_total', webLabels)).toBe(5);
    expect(await value('keepalived_priority_zero_received_total', webLabels)).toBe(6);
    expect(await value('keepalived_priority_zero_sent_total', webLabels)).toBe(1);
    expect(await value('keepalived_advertisements_received_total', webLabels)).toBe(11);
  });

  it('counts becoming MASTER and leaving it for BACKUP or FAULT, not a shutdown', async () => {
    const { vrrp, value } = setup();
    const t = (from: VrrpState, to: VrrpState, reason: string) =>
      vrrp.transitions.inc({ instance: 'web', from, to, reason });
    t('initialize', 'backup', 'startup');
    t('backup', 'master', 'master-down');
    t('master', 'backup', 'preempted');
    t('backup', 'master', 'master-down');
    t('master', 'fault', 'fault');
    t('fault', 'backup', 'fault-cleared');
    t('backup', 'master', 'preempting');
    t('master', 'initialize', 'shutdown');
    expect(await value('keepalived_become_master_total', webLabels)).toBe(3);
    expect(await value('keepalived_release_master_total', webLabels)).toBe(2);
  });

  it("reports keepalived_up, garp_master_delay in whole seconds, and only today's instances", async () => {
    const { vrrp, instances, value, scrape } = setup();
    expect(await value('keepalived_up', {})).toBe(1);
    expect(await value('keepalived_gratuitous_arp_delay_total', webLabels)).toBe(5);
    // A removed instance's counts stay in floatd's own metrics, but it is no longer reported here.
    vrrp.advertsSent.inc({ instance: 'old' }, 3);
    const db = { ...web('backup'), status: { ...status('db', 'backup'), vrid: 52 } };
    instances.splice(0, 1, db);
    const sent = (await scrape()).get('keepalived_advertisements_sent_total');
    expect(sent?.metrics).toEqual([
      { labels: { iname: 'db', intf: 'eth0', vrid: '52' }, value: '0' },
    ]);
  });

  it('keepalived_script_status: script trackers only, 1 GOOD, 0 BAD or undecided', async () => {
    const { trackers, scrape } = setup();
    const sample = (name: string, type: string, health: TrackerSample['health']) => ({
      name,
      type,
      health,
      ok: 0,
      failed: 0,
      timeouts: 0,
    });
    trackers.push(
      sample('chk_haproxy', 'script', 'ok'),
      sample('chk_db', 'script', 'failed'),
      sample('chk_new', 'script', 'init'),
      sample('web', 'http', 'ok'),
    );
    const family = (await scrape()).get('keepalived_script_status');
    expect(family?.metrics).toEqual([
      { labels: { name: 'chk_haproxy' }, value: '1' },
      { labels: { name: 'chk_db' }, value: '0' },
      { labels: { name: 'chk_new' }, value: '0' },
    ]);
  });

  it('names only keepalived-exporter metrics, each with a help text', async () => {
    const families = [...(await setup().scrape()).values()].filter(
      (f) => !f.name.startsWith('floatd_'),
    );
    for (const f of families) {
      expect(f.name).toMatch(/^keepalived_/);
      expect(f.help.length).toBeGreaterThan(10);
    }
    expect(families.map((f) => f.name).sort()).toEqual([
      'keepalived_address_list_errors_total',
      'keepalived_advertisements_interval_errors_total',
      'keepalived_advertisements_received_total',
      'keepalived_advertisements_sent_total',
      'keepalived_authentication_failure_total',
      'keepalived_authentication_mismatch_total',
      'keepalived_become_master_total',
      'keepalived_gratuitous_arp_delay_total',
      'keepalived_priority_zero_received_total',
      'keepalived_priority_zero_sent_total',
      'keepalived_release_master_total',
      'keepalived_script_status',
      'keepalived_up',
      'keepalived_vrrp_state',
    ]);
  });
});
