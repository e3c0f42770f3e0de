// The split-brain diagnosis as a metric (issue 14): floatd_vrrp_split_brain_suspected is 1 while
// a diagnosis stands and 0 for each configured peer otherwise, so an alert can say
// `== 1` and a dashboard shows the peers watched. Read from the status at scrape time.
import { Gauge, type Registry } from 'prom-client';
import type { InstanceStatus } from './instance-status.js';

/** The reason of a configured peer that is watched (its 0 when nothing is suspected). */
const PEER_REASON = 'adverts-blocked';

export class SplitBrainMetrics {
  constructor(registry: Registry, instances: () => readonly InstanceStatus[]) {
    new Gauge({
      name: 'floatd_vrrp_split_brain_suspected',
      help:
        'Split brain suspected, by instance, peer and reason: 1 while both routers are MASTER ' +
        '(adverts-blocked: a reachable peer is MASTER and its adverts do not arrive; ' +
        'lower-master-not-yielding: a lower-priority MASTER keeps advertising); likely a ' +
        'firewall or security group blocking IP protocol 112.',
      labelNames: ['instance', 'peer', 'reason'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of instances()) {
          for (const peer of s.unicast?.peers ?? []) {
            this.set({ instance: s.name, peer, reason: PEER_REASON }, 0);
          }
          // Bounded: one per configured peer, and at most one lower MASTER (the core's record).
          for (const d of s.splitBrain ?? []) {
            this.set({ instance: s.name, peer: d.peer, reason: d.reason }, 1);
          }
        }
      },
    });
  }
}
