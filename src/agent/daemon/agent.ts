// The agent: every configured instance, the sockets they share (one per interface and family),
// link watching, transport-mode selection, and an orderly stop.
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Clock, TimerHandle } from '../clock.js';
import { FloatdError } from '../errors.js';
import type { FloatdConfig, InstanceConfig } from '../config/schema.js';
import type { IpFamily } from '../vrrp/codec/types.js';
import { VRRP_MULTICAST_V4, VRRP_MULTICAST_V6 } from '../vrrp/codec/types.js';
import { NotifyFifo } from '../notify/notify-fifo.js';
import { NotifyRunner } from '../notify/notify-runner.js';
import { VrrpMetrics } from '../status/vrrp-metrics.js';
import { CloudSession, type CloudSessionStatus } from './cloud-session.js';
import { planReload, type ReloadPlan } from './reload-plan.js';
import { startSyncGroups } from './sync-groups.js';
import { startTracking, type Tracking } from './tracking.js';
import type { InstanceStatus, TransportMode } from './instance-runtime.js';
import { InstanceRuntime } from './instance-runtime.js';
import type { AddressPort, AdvertSocket, AnnouncePort, LinkPort } from './ports.js';

/** What the agent needs to know about an interface. */
export interface InterfaceFacts {
  readonly name: string;
  readonly up: boolean;
  /** Primary first. */
  readonly ipv4: readonly string[];
  readonly ipv6LinkLocal?: string | undefined;
}

export interface AgentDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readInterface(name: string): Promise<InterfaceFacts>;
  openSocket(iface: InterfaceFacts, family: IpFamily, joinMulticast: boolean): AdvertSocket;
  readonly addresses: AddressPort;
  readonly announce: AnnouncePort;
  readonly links: LinkPort;
  /** mode auto: does a cloud's instance metadata service answer? */
  probeCloud(): Promise<boolean>;
  /** Prometheus metrics of this agent; default: a registry of its own. */
  readonly registry?: Registry | undefined;
}

/** The agent cannot start: the message says what is wrong with the host or the config. */
export class StartupError extends FloatdError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FLOATD_STARTUP', message, options);
  }
}

export interface AgentStatus {
  /** The agent's process (`floatd reload` signals it). */
  readonly pid: number;
  /** Wall-clock time of this status (ISO 8601). */
  readonly time: string;
  /** The agent's monotonic clock now: transition times (atMs) are on it. */
  readonly nowMs: number;
  readonly instances: InstanceStatus[];
  readonly sockets: {
    readonly socket: string;
    readonly sent: number;
    readonly sendErrors: number;
    readonly received: number;
    readonly rejected: Record<string, number>;
  }[];
  /** Discovery and startup checks, when an instance has cloud targets. */
  readonly cloud?: CloudSessionStatus | undefined;
}

/** How long a graceful stop waits for STOP notify scripts. */
const NOTIFY_DRAIN_MS = 2000;

const sleepMs = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

/** How often mode auto re-checks multicast silence. */
const AUTO_CHECK_INTERVAL_MS = 1000;

export class Agent {
  private readonly runtimes: InstanceRuntime[] = [];
  private readonly sockets = new Map<string, AdvertSocket>();
  /** Per socket: adverts for a VRID no instance runs (shown with the socket's rejects). */
  private readonly unknownVrid = new Map<string, number>();
  private autoTimer: TimerHandle | undefined;
  private startedAtMs = 0;
  private stopping: Promise<void> | undefined;
  private cloud: CloudSession | undefined;
  private notifier: NotifyRunner | undefined;
  private tracking: Tracking | undefined;
  private fifo: NotifyFifo | undefined;
  readonly registry: Registry;
  private readonly metrics: VrrpMetrics;

  private constructor(
    private config: FloatdConfig,
    private readonly deps: AgentDeps,
  ) {
    this.registry = deps.registry ?? new Registry();
    this.metrics = new VrrpMetrics(this.registry, () => this.runtimes.map((r) => r.status()));
  }

  static async start(config: FloatdConfig, deps: AgentDeps): Promise<Agent> {
    const agent = new Agent(config, deps);
    try {
      await agent.startInstances();
    } catch (error) {
      await agent.stop();
      throw error;
    }
    return agent;
  }

  status(): AgentStatus {
    return {
      pid: process.pid,
      time: new Date().toISOString(),
      nowMs: this.deps.clock.nowMs(),
      instances: this.runtimes.map((r) => r.status()),
      sockets: [...this.sockets].map(([key, socket]) => {
        const c = socket.counters;
        // Only the reasons that happened: a status line stays readable.
        const counts = { ...c.rejected, 'unknown-vrid': this.unknownVrid.get(key) ?? 0 };
        const rejected = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
        return {
          socket: key,
          sent: c.sent,
          sendErrors: c.sendErrors,
          received: c.received,
          rejected,
        };
      }),
      ...(this.cloud === undefined ? {} : { cloud: this.cloud.status() }),
    };
  }

  /**
   * Apply a new configuration while running, where that is possible without touching any other
   * instance (today: base priorities). Otherwise nothing changes and the reason is returned.
   */
  reload(next: FloatdConfig): ReloadPlan {
    const plan = planReload(this.config, next);
    if (!plan.ok) return plan;
    for (const [name, priority] of plan.priorities) {
      this.runtimes.find((r) => r.name === name)?.setBasePriority(priority);
    }
    this.config = next;
    return plan;
  }

  /** Graceful stop: each MASTER sends priority 0 and removes its VIPs; sockets close. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    this.autoTimer?.cancel();
    this.tracking?.stop();
    await Promise.all(this.runtimes.map((r) => r.stop()));
    await this.cloud?.stop();
    // STOP scripts (keepalived's notify_stop) get a moment; a hung one does not hold the exit.
    if (this.notifier !== undefined) {
      await Promise.race([this.notifier.drain(), sleepMs(NOTIFY_DRAIN_MS)]);
      this.notifier.close();
    }
    this.fifo?.close();
    for (const socket of this.sockets.values()) socket.close();
    this.deps.links.close();
    this.deps.announce.close();
  }

  private async startInstances(): Promise<void> {
    const { deps, config } = this;
    const log = deps.logger;
    this.startedAtMs = deps.clock.nowMs();

    const interfaces = new Map<string, InterfaceFacts>();
    for (const name of new Set(config.instances.map((i) => i.interface))) {
      try {
        interfaces.set(name, await deps.readInterface(name));
      } catch (error) {
        throw new StartupError(`interface ${name}: ${(error as Error).message}`, { cause: error });
      }
    }

    // A crash (SIGKILL) leaves VIPs on the interface: nobody owns them until VRRP says so.
    const removed = await deps.addresses.removeLeftovers(config.instances.flatMap((i) => i.vips));
    if (removed.length > 0) {
      log.warn(
        { vips: removed.map((v) => v.address) },
        'removed VIPs left behind by a previous run',
      );
    }

    const cloud = config.instances.some((i) => i.mode === 'auto' && i.unicast.peers.length > 0)
      ? await deps.probeCloud()
      : false;

    if (
      config.notifyFifo !== undefined ||
      config.instances.some((i) => i.notify !== undefined) ||
      config.syncGroups.some((g) => g.notify !== undefined)
    ) {
      if (config.notifyFifo !== undefined) {
        try {
          this.fifo = await NotifyFifo.open(config.notifyFifo, log);
        } catch (error) {
          throw new StartupError(`notifyFifo ${config.notifyFifo}: ${(error as Error).message}`, {
            cause: error,
          });
        }
      }
      this.notifier = new NotifyRunner({ logger: log, fifo: this.fifo });
      this.notifier.start();
    }

    if (config.instances.some((i) => i.cloud.length > 0)) {
      this.cloud = new CloudSession({
        config: config.cloud,
        instances: config.instances,
        logger: log,
        registry: this.registry,
      });
    }

    for (const instance of config.instances) {
      const iface = interfaces.get(instance.interface) as InterfaceFacts;
      const mode = this.initialMode(instance, cloud);
      const runtime = new InstanceRuntime({
        config: instance,
        primaryAddress: primaryAddressOf(instance, iface),
        socket: this.socketFor(iface, instance.family, instance),
        addresses: deps.addresses,
        announce: deps.announce,
        clock: deps.clock,
        logger: log.child({
          instance: instance.name,
          vrid: instance.vrid,
          iface: instance.interface,
        }),
        mode,
        reconciler: this.cloud?.reconcilerFor(instance.name),
        metrics: this.metrics,
        notifier: this.notifier,
      });
      this.runtimes.push(runtime);
    }

    // Before the instances start: the group sees every transition, the first included.
    startSyncGroups(config.syncGroups, this.runtimes, log, this.notifier);
    for (const [name, iface] of interfaces) {
      const onIface = this.runtimes.filter((r) => r.config.interface === name);
      const up = await deps.links
        .watch(name, (linkUp) => onIface.forEach((r) => r.setLink(linkUp)))
        .catch((error: unknown) => {
          log.warn(
            { err: error, iface: name },
            'cannot watch the link; assuming its state does not change',
          );
          return iface.up;
        });
      for (const runtime of onIface) runtime.start(up);
    }
    for (const r of this.runtimes) {
      log.info(
        {
          instance: r.name,
          vrid: r.config.vrid,
          mode: r.transportMode,
          priority: r.config.priority,
        },
        'instance started',
      );
    }
    this.tracking = await startTracking(config, this.runtimes, deps.links, log);
    if (this.runtimes.some((r) => r.config.mode === 'auto')) this.scheduleAutoCheck();
  }

  private initialMode(instance: InstanceConfig, cloud: boolean): TransportMode {
    if (instance.mode !== 'auto') return instance.mode;
    if (instance.unicast.peers.length === 0) return 'multicast';
    // Clouds drop multicast: with peers known, unicast from the start.
    return cloud ? 'unicast' : 'multicast';
  }

  /** One socket per (interface, family), shared by its instances, demultiplexed by VRID. */
  private socketFor(
    iface: InterfaceFacts,
    family: IpFamily,
    instance: InstanceConfig,
  ): AdvertSocket {
    const key = `${iface.name}/${family}`;
    const existing = this.sockets.get(key);
    if (existing !== undefined) return existing;
    const log = this.deps.logger.child({ component: 'io.socket', iface: iface.name, family });
    // Unicast-only agents still join the group: mode auto may need it, and it costs nothing.
    const joinMulticast =
      instance.mode !== 'unicast' ||
      this.config.instances.some((i) => i.interface === iface.name && i.mode !== 'unicast');
    let socket: AdvertSocket;
    try {
      socket = this.deps.openSocket(iface, family, joinMulticast);
    } catch (error) {
      throw new StartupError(
        `cannot open a VRRP socket on ${iface.name} (${family}): ${(error as Error).message}` +
          ' (raw sockets need root or CAP_NET_RAW)',
        { cause: error },
      );
    }
    socket.on('advert', (received) => {
      const runtime = this.runtimes.find(
        (r) =>
          r.config.interface === iface.name &&
          r.config.family === family &&
          r.config.vrid === received.advert.vrid,
      );
      if (runtime === undefined) {
        this.unknownVrid.set(key, (this.unknownVrid.get(key) ?? 0) + 1);
        log.trace(
          { vrid: received.advert.vrid, src: received.src },
          'advert for a VRID we do not run',
        );
        return;
      }
      runtime.receive(received);
    });
    socket.on('reject', (reason, detail, src) => {
      log.debug({ reason, detail, src }, 'packet rejected');
    });
    socket.on('error', (error) => log.warn({ err: error }, 'socket error'));
    this.sockets.set(key, socket);
    return socket;
  }

  /** mode auto: multicast silence while a peer is known means multicast does not work here. */
  private scheduleAutoCheck(): void {
    const { clock } = this.deps;
    this.autoTimer = clock.setTimer(clock.nowMs() + AUTO_CHECK_INTERVAL_MS, () => {
      const now = clock.nowMs();
      for (const r of this.runtimes) {
        const { config } = r;
        if (config.mode !== 'auto' || r.transportMode !== 'multicast') continue;
        if (config.unicast.peers.length === 0) continue;
        const heardAt = r.lastMulticastHeardAtMs ?? this.startedAtMs;
        if (now - heardAt >= config.auto.multicastSilenceMs) {
          r.setMode(
            'unicast',
            `nothing heard on multicast for ${config.auto.multicastSilenceMs} ms`,
          );
        }
      }
      this.scheduleAutoCheck();
    });
  }
}

function primaryAddressOf(instance: InstanceConfig, iface: InterfaceFacts): string {
  if (instance.unicast.source !== undefined) return instance.unicast.source;
  const address = instance.family === 'ipv4' ? iface.ipv4[0] : iface.ipv6LinkLocal;
  if (address === undefined) {
    throw new StartupError(
      `instance ${instance.name}: interface ${iface.name} has no ${instance.family === 'ipv4' ? 'IPv4' : 'IPv6 link-local'} address to send adverts from`,
    );
  }
  return address;
}

export function multicastGroupOf(family: IpFamily): string {
  return family === 'ipv4' ? VRRP_MULTICAST_V4 : VRRP_MULTICAST_V6;
}
