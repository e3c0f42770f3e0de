// keepalived-exporter's metric names, labels and values (github.com/mehdy/keepalived-exporter),
// served beside floatd's own when status.keepalivedExporterMetrics is on, so dashboards and
// alerts built on the exporter keep working. Everything is read at scrape time from what floatd
// already counts (its own counters and the instances' status): nothing here is counted twice,
// and a series the exporter has but floatd cannot fill truthfully is left out, never faked.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { TrackerSample } from './tracker-metrics.js';
import type { InstanceStatus } from './instance-status.js';
import {
  instanceLabels,
  KEEPALIVED_STATE,
  keepalivedVipAddress,
  type CompatVip,
} from './keepalived-exporter-labels.js';
import { countsByInstance, type CompatCounts, type CountSources } from './compat-counts.js';

export interface CompatInstance {
  readonly status: InstanceStatus;
  readonly vips: readonly CompatVip[];
  /** keepalived's garp_master_delay, which it reports as "Gratuitous ARP delay" in seconds. */
  readonly garpMasterDelayMs: number;
}

interface PerInstanceCounter {
  readonly name: string;
  readonly help: string;
  readonly value: (counts: CompatCounts, instance: CompatInstance) => number;
}

// The exporter's per-instance series (labels iname, intf, vrid) that floatd can fill.
const PER_INSTANCE: readonly PerInstanceCounter[] = [
  {
    name: 'keepalived_advertisements_received_total',
    help: 'VRRP advertisements received that passed the packet checks (keepalived-exporter name).',
    value: (c) => c.received,
  },
  {
    name: 'keepalived_advertisements_sent_total',
    help: 'VRRP advertisements sent (keepalived-exporter name).',
    value: (c) => c.sent,
  },
  {
    name: 'keepalived_become_master_total',
    help: 'Times the instance became MASTER (keepalived-exporter name).',
    value: (c) => c.becomeMaster,
  },
  {
    name: 'keepalived_release_master_total',
    help: 'Times the instance left MASTER for BACKUP or FAULT (keepalived-exporter name).',
    value: (c) => c.releaseMaster,
  },
  {
    name: 'keepalived_advertisements_interval_errors_total',
    help: 'VRRPv2 advertisements dropped for an interval other than ours (keepalived-exporter name).',
    value: (c) => c.intervalErrors,
  },
  {
    name: 'keepalived_address_list_errors_total',
    help: 'VRRP advertisements whose address list differs from ours (keepalived-exporter name).',
    value: (c) => c.addressListErrors,
  },
  {
    name: 'keepalived_authentication_mismatch_total',
    help: 'VRRPv2 advertisements dropped for another authentication type than ours (keepalived-exporter name).',
    value: (c) => c.authTypeMismatches,
  },
  {
    name: 'keepalived_authentication_failure_total',
    help: 'VRRPv2 advertisements dropped for a wrong password (keepalived-exporter name).',
    value: (c) => c.authFailures,
  },
  {
    name: 'keepalived_priority_zero_received_total',
    help: 'Priority-0 advertisements received past the checks: a MASTER stepping down (keepalived-exporter name).',
    value: (c) => c.priorityZeroReceived,
  },
  {
    name: 'keepalived_priority_zero_sent_total',
    help: 'Priority-0 advertisements sent on stepping down as MASTER (keepalived-exporter name).',
    value: (c) => c.priorityZeroSent,
  },
  {
    // A setting, not a count, but the exporter types it as a counter: kept as it does.
    name: 'keepalived_gratuitous_arp_delay_total',
    help: 'Seconds before the second gratuitous ARP burst after becoming MASTER (keepalived-exporter name).',
    // keepalived prints whole seconds (garp_delay / TIMER_HZ).
    value: (_c, i) => Math.floor(i.garpMasterDelayMs / 1000),
  },
];

export class KeepalivedExporterMetrics {
  constructor(
    registry: Registry,
    counters: CountSources,
    instances: () => readonly CompatInstance[],
    trackers: () => readonly TrackerSample[],
  ) {
    const registers = [registry];
    new Gauge({
      name: 'keepalived_up',
      help: '1: the VRRP daemon answers (always 1 here, floatd serves this itself).',
      registers,
    }).set(1);
    new Gauge({
      name: 'keepalived_vrrp_state',
      help: 'VRRP state per VIP: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT (keepalived-exporter name).',
      labelNames: ['iname', 'intf', 'vrid', 'ip_address'],
      registers,
      collect() {
        this.reset();
        for (const { status, vips } of instances()) {
          const { iname, vrid } = instanceLabels(status.name, status.interface, status.vrid);
          // One series per VIP, its interface as intf: the exporter reads both off the VIP line.
          for (const vip of vips) {
            const labels = { iname, intf: vip.device, vrid, ip_address: keepalivedVipAddress(vip) };
            this.set(labels, KEEPALIVED_STATE[status.state]);
          }
        }
      },
    });
    for (const metric of PER_INSTANCE) {
      new Counter({
        name: metric.name,
        help: metric.help,
        labelNames: ['iname', 'intf', 'vrid'],
        registers,
        async collect() {
          this.reset();
          const counts = await countsByInstance(counters);
          for (const instance of instances()) {
            const { name, interface: iface, vrid } = instance.status;
            const value = metric.value(counts(name), instance);
            this.inc(instanceLabels(name, iface, vrid), value);
          }
        },
      });
    }
    new Gauge({
      name: 'keepalived_script_status',
      help: 'Tracker scripts (vrrp_script): 1 GOOD, 0 BAD or not yet decided (keepalived-exporter name).',
      labelNames: ['name'],
      registers,
      collect() {
        this.reset();
        // keepalived reports GOOD once a script reached rise and BAD otherwise, INIT included.
        for (const t of trackers())
          if (t.type === 'script') this.set({ name: t.name }, t.health === 'ok' ? 1 : 0);
      },
    });
  }
}
