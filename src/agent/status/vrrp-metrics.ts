// Prometheus metrics of the VRRP side (prom-client), named by Prometheus conventions: counters
// end in _total, one metric per meaning with labels. Counters are incremented by the runtime as
// things happen; state and priority are read from the status at scrape time.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { InstanceStatus } from './instance-status.js';

/** A socket's packets rejected before any instance saw them (malformed, bad checksum, ...). */
export interface SocketRejects {
  readonly socket: string;
  readonly rejected: Readonly<Record<string, number>>;
  /** Dropped by the kernel before floatd read them; absent when the kernel cannot tell. */
  readonly receiveDrops?: number | undefined;
}

const STATES = ['initialize', 'backup', 'master', 'fault'] as const;

export class VrrpMetrics {
  readonly transitions: Counter<'instance' | 'from' | 'to' | 'reason'>;
  readonly advertsSent: Counter<'instance'>;
  readonly advertsReceived: Counter<'instance'>;
  readonly advertsDropped: Counter<'instance' | 'reason'>;
  readonly advertAnomalies: Counter<'instance' | 'reason'>;
  readonly priorityZeroAdverts: Counter<'instance' | 'direction'>;

  constructor(
    registry: Registry,
    instances: () => readonly InstanceStatus[],
    sockets: () => readonly SocketRejects[] = () => [],
  ) {
    const registers = [registry];
    this.transitions = new Counter({
      name: 'floatd_vrrp_transitions_total',
      help: 'VRRP state transitions, by instance, states and reason.',
      labelNames: ['instance', 'from', 'to', 'reason'],
      registers,
    });
    this.advertsSent = new Counter({
      name: 'floatd_vrrp_adverts_sent_total',
      help: 'VRRP advertisements sent, by instance.',
      labelNames: ['instance'],
      registers,
    });
    this.advertsReceived = new Counter({
      name: 'floatd_vrrp_adverts_received_total',
      help: 'VRRP advertisements received for the instance (before the core checks them).',
      labelNames: ['instance'],
      registers,
    });
    this.advertsDropped = new Counter({
      name: 'floatd_vrrp_adverts_dropped_total',
      help: 'VRRP advertisements dropped, by instance and reason.',
      labelNames: ['instance', 'reason'],
      registers,
    });
    this.advertAnomalies = new Counter({
      name: 'floatd_vrrp_advert_anomalies_total',
      help: 'VRRP advertisements accepted with an anomaly worth a look (RFC 5798 §7.1), by instance and reason.',
      labelNames: ['instance', 'reason'],
      registers,
    });
    this.priorityZeroAdverts = new Counter({
      name: 'floatd_vrrp_priority_zero_adverts_total',
      help:
        'VRRP advertisements with priority 0 (a MASTER stepping down, RFC 5798 §6.4.3), by ' +
        'instance and direction: sent, or received and past the receive checks.',
      labelNames: ['instance', 'direction'],
      registers,
    });
    new Counter({
      name: 'floatd_vrrp_packets_rejected_total',
      help: 'VRRP packets rejected by a socket before reaching an instance, by socket and reason.',
      labelNames: ['socket', 'reason'],
      registers,
      collect() {
        // The sockets keep the totals: read at scrape time.
        this.reset();
        for (const s of sockets()) {
          for (const [reason, count] of Object.entries(s.rejected)) {
            this.inc({ socket: s.socket, reason }, count);
          }
        }
      },
    });
    new Counter({
      name: 'floatd_vrrp_socket_receive_drops_total',
      help:
        'Packets the kernel dropped for a VRRP socket because floatd did not read them in time ' +
        '(its receive buffer was full), by socket.',
      labelNames: ['socket'],
      registers,
      collect() {
        // The kernel keeps the total (SO_MEMINFO): read at scrape time.
        this.reset();
        for (const s of sockets()) {
          if (s.receiveDrops !== undefined) this.inc({ socket: s.socket }, s.receiveDrops);
        }
      },
    });
    new Gauge({
      name: 'floatd_vrrp_state',
      help: '1 for the state each instance is in, 0 for the others.',
      labelNames: ['instance', 'state'],
      registers,
      collect() {
        this.reset();
        for (const s of instances()) {
          for (const state of STATES)
            this.set({ instance: s.name, state }, s.state === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'floatd_vrrp_priority',
      help: 'Priority of each instance: configured (base) and after tracking (effective).',
      labelNames: ['instance', 'kind'],
      registers,
      collect() {
        this.reset();
        for (const s of instances()) {
          this.set({ instance: s.name, kind: 'base' }, s.basePriority);
          this.set({ instance: s.name, kind: 'effective' }, s.effectivePriority);
        }
      },
    });
  }
}
