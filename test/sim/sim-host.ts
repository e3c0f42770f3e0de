// A simulated host: one interface, one or more virtual routers, each run by the real driver over
// the real codec. Frames out are encoded; frames in are decoded and demultiplexed by VRID.
import { InstanceDriver } from '../../src/agent/instance-driver.js';
import {
  decodeIpv4Packet,
  decodeIpv6Payload,
  encodeIpv4Packet,
  encodeVrrpMessage,
} from '../../src/agent/vrrp/codec/index.js';
import { VRRP_MULTICAST_V4, VRRP_MULTICAST_V6 } from '../../src/agent/vrrp/codec/types.js';
import { VirtualRouter } from '../../src/agent/vrrp/router.js';
import type { VirtualRouterConfig, VrrpAction, VrrpState } from '../../src/agent/vrrp/types.js';
import type { SimClock } from './sim-clock.js';
import type { SimFrame, SimNetwork } from './sim-network.js';

export interface TransitionRecord {
  readonly atMs: number;
  readonly host: string;
  readonly vrid: number;
  readonly from: VrrpState;
  readonly to: VrrpState;
  readonly reason: string;
  readonly priority: number;
}

export interface HostObserver {
  transition(record: TransitionRecord): void;
  drop(host: string, reason: string): void;
}

interface Instance {
  readonly config: VirtualRouterConfig;
  driver: InstanceDriver;
  vipsHeld: boolean;
}

export type HostLife = 'running' | 'crashed' | 'stopped';

/**
 * Deliberate defects, to show that the invariants catch them (a checker that cannot fail proves
 * nothing): 'deaf' hears no advert at all; 'ignore-release' ignores priority-0 adverts;
 * 'sticky-vips' never removes VIPs; 'ignore-preempt' runs its routers without the preemption
 * the plan gave them; 'deaf-bursts' hears nothing every other 5 s.
 */
export type Sabotage = 'deaf' | 'ignore-release' | 'sticky-vips' | 'ignore-preempt' | 'deaf-bursts';

export class SimHost {
  life: HostLife = 'stopped';
  private readonly instances = new Map<number, Instance>();
  private weightDelta = new Map<number, number>();

  constructor(
    readonly id: string,
    readonly ipv4: string,
    readonly ipv6: string,
    private readonly configs: readonly VirtualRouterConfig[],
    private readonly clock: SimClock,
    private readonly network: SimNetwork,
    private readonly observer: HostObserver,
    private readonly sabotage?: Sabotage,
  ) {
    network.attach(id, (frame) => this.receive(frame));
  }

  /** Start (or restart after a crash or stop) with fresh cores, as a new process would. */
  start(): void {
    for (const old of this.instances.values()) old.driver.stop();
    this.instances.clear();
    this.life = 'running';
    for (const config of this.configs) {
      const instance: Instance = {
        config,
        vipsHeld: false,
        driver: undefined as unknown as InstanceDriver,
      };
      const coreConfig =
        this.sabotage === 'ignore-preempt' ? { ...config, preempt: false } : config;
      instance.driver = new InstanceDriver(new VirtualRouter(coreConfig), this.clock, (action) =>
        this.execute(instance, action),
      );
      this.instances.set(config.vrid, instance);
      const weight = this.weightDelta.get(config.vrid) ?? 0;
      if (weight !== 0)
        instance.driver.feed({ type: 'tracking', status: { weightDelta: weight, fault: false } });
      if (!this.network.isLinkUp(this.id)) instance.driver.feed({ type: 'interface', up: false });
      instance.driver.feed({ type: 'startup' });
    }
  }

  /** SIGKILL: no goodbye; the VIPs stay on a dead host, which nobody can reach any more. */
  crash(): void {
    this.life = 'crashed';
    for (const instance of this.instances.values()) instance.driver.stop();
  }

  /** SIGTERM: each instance shuts down (priority 0 from a master), then the process exits. */
  stop(): void {
    for (const instance of this.instances.values()) {
      instance.driver.feed({ type: 'shutdown' });
      instance.driver.stop();
    }
    this.life = 'stopped';
  }

  setInterface(up: boolean): void {
    this.network.setLink(this.id, up);
    if (this.life !== 'running') return;
    for (const instance of this.instances.values()) instance.driver.feed({ type: 'interface', up });
  }

  setWeight(vrid: number, weightDelta: number): void {
    this.weightDelta.set(vrid, weightDelta);
    const instance = this.instances.get(vrid);
    if (this.life !== 'running' || instance === undefined) return;
    instance.driver.feed({ type: 'tracking', status: { weightDelta, fault: false } });
  }

  /** The configuration the scenario planned (what the router should be running). */
  plannedConfig(vrid: number): VirtualRouterConfig | undefined {
    return this.configs.find((c) => c.vrid === vrid);
  }

  router(vrid: number): VirtualRouter | undefined {
    return this.instances.get(vrid)?.driver.router;
  }

  holdsVips(vrid: number): boolean {
    return this.instances.get(vrid)?.vipsHeld ?? false;
  }

  stateOf(vrid: number): VrrpState | undefined {
    if (this.life !== 'running') return undefined;
    return this.instances.get(vrid)?.driver.router.snapshot().state;
  }

  private receive(frame: SimFrame): void {
    if (this.life !== 'running' || this.sabotage === 'deaf') return;
    if (this.sabotage === 'deaf-bursts' && Math.floor(this.clock.nowMs() / 5000) % 2 === 1) return;
    const decoded =
      frame.family === 'ipv4'
        ? decodeIpv4Packet(frame.bytes)
        : decodeIpv6Payload(frame.bytes, {
            src: frame.src,
            dst: frame.dst,
            hopLimit: frame.hopLimit,
          });
    if (!decoded.ok) {
      this.observer.drop(this.id, decoded.reason);
      return;
    }
    const { advert, src } = decoded.value;
    if (this.sabotage === 'ignore-release' && advert.priority === 0) return;
    const instance = this.instances.get(advert.vrid);
    if (instance === undefined || instance.config.family !== advert.family) return;
    instance.driver.feed({ type: 'advert', src, advert });
  }

  private execute(instance: Instance, action: VrrpAction): void {
    switch (action.type) {
      case 'send-advert': {
        const advert = action.advert;
        const family = advert.family;
        const frame: SimFrame =
          family === 'ipv4'
            ? {
                family,
                bytes: encodeIpv4Packet(advert, { src: this.ipv4, dst: VRRP_MULTICAST_V4 }),
                src: this.ipv4,
                dst: VRRP_MULTICAST_V4,
                hopLimit: 255,
              }
            : {
                family,
                bytes: encodeVrrpMessage(advert, { src: this.ipv6, dst: VRRP_MULTICAST_V6 }),
                src: this.ipv6,
                dst: VRRP_MULTICAST_V6,
                hopLimit: 255,
              };
        this.network.send(this.id, frame);
        break;
      }
      case 'add-vips':
        instance.vipsHeld = true;
        break;
      case 'del-vips':
        if (this.sabotage !== 'sticky-vips') instance.vipsHeld = false;
        break;
      case 'transition':
        this.observer.transition({
          atMs: action.nowMs,
          host: this.id,
          vrid: instance.config.vrid,
          from: action.from,
          to: action.to,
          reason: action.reason,
          priority: action.priority,
        });
        break;
      case 'advert-dropped':
        this.observer.drop(this.id, action.reason);
        break;
      case 'advert-anomaly':
        this.observer.drop(this.id, `anomaly:${action.reason}`);
        break;
      case 'send-garp':
      case 'cloud-claim':
      case 'cloud-release':
      case 'sync-ready': // no sync groups in the simulation
        break;
      default: {
        const never: never = action;
        throw new Error(`unhandled action ${JSON.stringify(never)}`);
      }
    }
  }
}
