// A simulated host: one interface, one or more virtual routers, each run by the real driver over
// the real codec. Frames out are encoded; frames in are decoded and demultiplexed by VRID.
import type { SyncGroupConfig } from '../../src/agent/config/schema.js';
import { InstanceDriver } from '../../src/agent/instance-driver.js';
import { SyncGroupDriver } from '../../src/agent/sync-group-driver.js';
import {
  decodeIpv4Packet,
  decodeIpv6Payload,
  encodeIpv4Packet,
  encodeVrrpMessage,
} from '../../src/agent/vrrp/codec/index.js';
import { VRRP_MULTICAST_V4, VRRP_MULTICAST_V6 } from '../../src/agent/vrrp/codec/types.js';
import { VirtualRouter } from '../../src/agent/vrrp/router.js';
import {
  SyncGroupSet,
  type SyncGroupCommand,
  type SyncGroupInput,
} from '../../src/agent/vrrp/sync-groups.js';
import type { VirtualRouterConfig, VrrpAction, VrrpState } from '../../src/agent/vrrp/types.js';
import type { CloudTarget } from '../../src/cloud/target.js';
import type { Prng } from './prng.js';
import type { SimClock } from './sim-clock.js';
import type { SimCloud } from './sim-cloud.js';
import { SimCloudAgent, type CloudAgentObserver, type CloudSabotage } from './sim-cloud-agent.js';
import { memberName } from './scenario-groups.js';
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
  readonly name: string;
  driver: InstanceDriver;
  vipsHeld: boolean;
  /** What the groups hear of the input being executed, told after its actions (as the daemon). */
  readonly unrecorded: SyncGroupInput[];
  /** The reconciler machine of this router's cloud targets, when the seed has a cloud. */
  cloud?: SimCloudAgent | undefined;
}

/** The simulated EC2 and what each router moves in it. */
export interface HostCloud {
  readonly cloud: SimCloud;
  readonly targetsOf: (vrid: number) => readonly CloudTarget[];
  readonly prng: Prng;
  readonly observer: CloudAgentObserver;
  readonly sabotage?: CloudSabotage | undefined;
}

export type HostLife = 'running' | 'crashed' | 'stopped';

/**
 * Deliberate defects, to show that the invariants catch them (a checker that cannot fail proves
 * nothing): 'deaf' hears no advert at all; 'ignore-release' ignores priority-0 adverts;
 * 'sticky-vips' never removes VIPs; 'ignore-preempt' runs its routers without the preemption
 * the plan gave them; 'deaf-bursts' hears nothing every other 5 s; 'no-group-cascade': a sync
 * group member stays MASTER when another member of its group leaves MASTER; 'lower-preempts':
 * the rule before issue 10, a BACKUP with preemption takes over in Skew_Time on any advert below
 * its priority, whoever sent it (played by handing the core a priority-0 advert instead).
 */
export type Sabotage =
  | 'deaf'
  | 'ignore-release'
  | 'sticky-vips'
  | 'ignore-preempt'
  | 'deaf-bursts'
  | 'no-group-cascade'
  | 'lower-preempts';

export class SimHost {
  life: HostLife = 'stopped';
  private readonly instances = new Map<number, Instance>();
  private weightDelta = new Map<number, number>();
  /** The real sync-group machine, as the daemon runs it (daemon/sync-groups.ts). */
  private groups: SyncGroupDriver | undefined;

  constructor(
    readonly id: string,
    readonly ipv4: string,
    readonly ipv6: string,
    private readonly configs: readonly VirtualRouterConfig[],
    private readonly clock: SimClock,
    private readonly network: SimNetwork,
    private readonly observer: HostObserver,
    private readonly sabotage?: Sabotage,
    private readonly syncGroups: readonly SyncGroupConfig[] = [],
    private readonly hostCloud?: HostCloud,
  ) {
    network.attach(id, (frame) => this.receive(frame));
  }

  /**
   * Start (or restart after a crash or stop) with fresh cores, as a new process would: the sync
   * groups are wired before the link state and startup, in the daemon's order (agent.ts).
   */
  start(): void {
    this.unwire();
    for (const old of this.instances.values()) {
      old.driver.stop();
      old.cloud?.kill();
    }
    this.instances.clear();
    this.life = 'running';
    for (const config of this.configs) {
      const coreConfig =
        this.sabotage === 'ignore-preempt' ? { ...config, preempt: false } : config;
      const instance: Instance = {
        config,
        name: memberName(config.vrid),
        vipsHeld: false,
        driver: undefined as unknown as InstanceDriver,
        unrecorded: [],
      };
      instance.driver = new InstanceDriver(
        new VirtualRouter(coreConfig),
        this.clock,
        (action) => this.execute(instance, action),
        () => {
          for (const input of instance.unrecorded.splice(0)) this.tellGroups(input);
        },
      );
      const hc = this.hostCloud;
      const targets = hc?.targetsOf(config.vrid) ?? [];
      if (hc !== undefined && targets.length > 0) {
        instance.cloud = new SimCloudAgent(
          { hostId: this.id, instanceId: `i-${this.id}`, eni: `eni-${this.id}` },
          config.vrid,
          targets,
          hc.cloud,
          this.clock,
          hc.prng,
          hc.observer,
          hc.sabotage,
        );
      }
      this.instances.set(config.vrid, instance);
      this.feedWeight(instance, this.weightDelta.get(config.vrid) ?? 0);
    }
    if (this.syncGroups.length > 0) {
      const views = new Map(
        [...this.instances.values()].map((i) => {
          const snap = i.driver.router.snapshot();
          const { state, syncReady, groupFault, ownFault } = snap;
          return [i.name, { state, syncReady, groupFault, ownFault }] as const;
        }),
      );
      this.groups = new SyncGroupDriver(
        new SyncGroupSet(this.syncGroups, views),
        (c) => this.executeGroups(c),
        (error) => {
          throw error;
        },
      );
      this.groups.start();
    }
    const linkUp = this.network.isLinkUp(this.id);
    if (!linkUp) {
      // The daemon's presetLink: the groups hear of it from the core ('own-fault').
      for (const instance of this.instances.values()) {
        instance.driver.feed({ type: 'interface', up: false });
      }
    }
    for (const instance of this.instances.values()) instance.driver.feed({ type: 'startup' });
  }

  /** SIGKILL: no goodbye; the VIPs stay on a dead host, which nobody can reach any more. */
  crash(): void {
    this.life = 'crashed';
    this.unwire();
    for (const instance of this.instances.values()) {
      instance.driver.stop();
      instance.cloud?.kill();
    }
  }

  /** SIGTERM: each instance shuts down (priority 0 from a master), then the process exits. */
  stop(): void {
    for (const instance of this.instances.values()) {
      instance.driver.feed({ type: 'shutdown' });
      instance.driver.stop();
    }
    // After the shutdown, as the daemon's stopAll: the groups see their members leave.
    this.unwire();
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
    this.feedWeight(instance, weightDelta);
  }

  private feedWeight(instance: Instance, weightDelta: number): void {
    instance.driver.feed({ type: 'tracking', status: { weightDelta, fault: false } });
  }

  private unwire(): void {
    this.groups = undefined;
  }

  private tellGroups(input: SyncGroupInput): void {
    this.groups?.tell(input);
  }

  /** The daemon's sync-group executor, minus its log and notify hooks. */
  private executeGroups(c: SyncGroupCommand): void {
    if (c.type !== 'feed') return;
    if (c.input.type === 'sync-backup' && this.sabotage === 'no-group-cascade') return;
    const instance = [...this.instances.values()].find((i) => i.name === c.member);
    instance?.driver.feed(c.input);
  }

  /** The configuration the scenario planned (what the router should be running). */
  plannedConfig(vrid: number): VirtualRouterConfig | undefined {
    return this.configs.find((c) => c.vrid === vrid);
  }

  cloudAgent(vrid: number): SimCloudAgent | undefined {
    return this.instances.get(vrid)?.cloud;
  }

  /** The API address of this host: the ENI its claims point targets at. */
  get eni(): string {
    return `eni-${this.id}`;
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
    const router = instance.driver.router;
    if (
      this.sabotage === 'lower-preempts' &&
      router.config.preempt &&
      router.snapshot().state === 'backup' &&
      advert.priority > 0 &&
      advert.priority < router.effectivePriority
    ) {
      // As a release from the master it follows: the core then starts Skew_Time, as it once did.
      const master = router.snapshot().masterAddress ?? src;
      instance.driver.feed({ type: 'advert', src: master, advert: { ...advert, priority: 0 } });
      return;
    }
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
        // Recorded before the group reacts, so a cascade shows after its cause in the trace.
        this.observer.transition({
          atMs: action.nowMs,
          host: this.id,
          vrid: instance.config.vrid,
          from: action.from,
          to: action.to,
          reason: action.reason,
          priority: action.priority,
        });
        instance.unrecorded.push({ type: 'transition', member: instance.name, to: action.to });
        break;
      case 'advert-dropped':
        this.observer.drop(this.id, action.reason);
        break;
      case 'advert-anomaly':
        this.observer.drop(this.id, `anomaly:${action.reason}`);
        break;
      case 'sync-ready':
        instance.unrecorded.push({
          type: 'sync-ready',
          member: instance.name,
          ready: action.ready,
        });
        break;
      case 'own-fault':
        instance.unrecorded.push({ type: 'own-fault', member: instance.name, fault: action.fault });
        break;
      case 'cloud-claim':
        instance.cloud?.becomeMaster();
        break;
      case 'cloud-release':
        instance.cloud?.becomeBackup();
        break;
      case 'peer-yielded':
        // The core's yield rule (router.ts), on the simulated clock the cloud agent runs on.
        instance.cloud?.settled(action.heardAtMs);
        break;
      case 'send-garp':
        break;
      default: {
        const never: never = action;
        throw new Error(`unhandled action ${JSON.stringify(never)}`);
      }
    }
  }
}
