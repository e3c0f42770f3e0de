// What the agent is made of and says, apart from the agent itself: its dependencies (the host
// or a test's fakes), its status, the record of a reload, and its one startup error.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import { FloatdError } from '../errors.js';
import type { NotifyCounters } from '../notify/types.js';
import type { InstanceStatus } from '../status/instance-status.js';
import type { TrackerSample } from '../status/tracker-metrics.js';
import type { IpFamily } from '../vrrp/codec/types.js';
import type { CloudSessionStatus } from './cloud-session.js';
import type { PeerProbeDeps } from './peer-probes.js';
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
  /** The split-brain diagnosis' ICMP socket (io/icmp-socket.ts); absent: no peer probes. */
  readonly openEchoSocket?: PeerProbeDeps['openEchoSocket'] | undefined;
  /** Prometheus metrics of this agent; default: a registry of its own. */
  readonly registry?: Registry | undefined;
}

/** The agent cannot start: the message says what is wrong with the host or the config. */
export class StartupError extends FloatdError {
  override readonly code = 'FLOATD_ERR_STARTUP';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
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
    /** Packets the kernel dropped because floatd did not read them in time (absent: unknown). */
    readonly receiveDrops?: number | undefined;
  }[];
  /** Discovery and startup checks, when an instance has cloud targets. */
  readonly cloud?: CloudSessionStatus | undefined;
  /** Each tracker some instance uses: its kind, health (and file value) and result counts. */
  readonly trackers?: readonly TrackerSample[] | undefined;
  /** Notify scripts run, failed, timed out; FIFO lines written and dropped. */
  readonly notify?: NotifyCounters | undefined;
  /** The last reload's outcome (`floatd reload` waits for its seq to move). */
  readonly reload?: ReloadRecord | undefined;
}

export interface ReloadRecord {
  /** Counts reloads since start. */
  readonly seq: number;
  /** Wall-clock time (ISO 8601). */
  readonly at: string;
  readonly ok: boolean;
  readonly why?: string | undefined;
  readonly changes?:
    | {
        readonly kept: readonly string[];
        readonly inPlace: readonly string[];
        readonly restarted: readonly string[];
        readonly added: readonly string[];
        readonly removed: readonly string[];
      }
    | undefined;
}
