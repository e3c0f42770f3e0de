// The split-brain diagnosis' probes (issue 14): every probe interval, each instance's unicast
// peers are asked whether they are up (ICMP echo, or a TCP connect to a port the config names),
// and each ICMP echo request says the instance's VRID and state (peer-beacon.ts), which the
// peer's floatd reads on its own ICMP socket. In EC2 (unicast.probe: ec2) the API says whether
// the peer's instance is running instead, asked no more often than ec2-probe-interval.ts allows.
// The results go to the instance's diagnosis; this file decides nothing. One ICMP socket per
// family for all instances, opened on first use.
import type { Logger } from 'pino';
import type { PeerInstanceReachability } from '../../cloud/aws/peer-instance.js';
import { runTcpCheck } from '../../probe/tcp.js';
import type { ProbeOutcome, TcpProbe } from '../../probe/types.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { PeerProbeConfig } from '../config/peer-probe-fields.js';
import type { InstanceConfig } from '../config/schema.js';
import { ec2ProbeIntervalMs } from './ec2-probe-interval.js';
import type { IcmpEcho } from '../io/icmp-echo.js';
import type { EchoListener, EchoSocket, SendErrorListener } from '../io/icmp-socket.js';
import { decodeBeacon, encodeBeacon } from '../io/peer-beacon.js';
import { formatIp, parseIp } from '../vrrp/codec/ip-address.js';
import type { IpFamily } from '../vrrp/codec/types.js';
import type { VrrpState } from '../vrrp/types.js';

/** Default probe interval: the advert interval, within these bounds. */
const MIN_DEFAULT_INTERVAL_MS = 100;
const MAX_DEFAULT_INTERVAL_MS = 1000;
/** Echoes awaiting a reply, over all instances: each expires after its interval anyway. */
const MAX_PENDING = 4096;

export interface ProbedInstance {
  readonly name: string;
  readonly family: IpFamily;
  readonly vrid: number;
  readonly peers: readonly string[];
  readonly probe: PeerProbeConfig;
  readonly intervalMs: number;
  /** The instance's state now (said in each echo request). */
  state(): VrrpState;
  /** A probe of `peer` answered (ok) or not within its interval. */
  probed(peer: string, ok: boolean): void;
  /** `peer` said its state for our VRID. */
  peerSaid(peer: string, state: VrrpState): void;
}

export interface PeerProbeDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Throws when it cannot (no CAP_NET_RAW): the probes of that family are then off. */
  openEchoSocket(family: IpFamily, onEcho: EchoListener, onError: SendErrorListener): EchoSocket;
  readonly tcpCheck?: (probe: TcpProbe) => Promise<ProbeOutcome>;
  /**
   * Whether EC2 says the instance holding `peer` runs (the agent's cloud session: its client,
   * identity and call timeout). Absent, or before the cloud identity is known: 'unknown'.
   */
  readonly ec2Check?: (instance: string, peer: string) => Promise<PeerInstanceReachability>;
}

/** The probe interval of an instance: configured, else its advert interval within bounds. */
export function probeIntervalMs(
  configuredMs: number | undefined,
  advertIntervalMs: number,
): number {
  return (
    configuredMs ??
    Math.min(MAX_DEFAULT_INTERVAL_MS, Math.max(MIN_DEFAULT_INTERVAL_MS, advertIntervalMs))
  );
}

/** An instance's probe: configured, else ICMP echo. */
export function probeOf(config: InstanceConfig): PeerProbeConfig {
  return config.unicast.probe ?? { kind: 'icmp' };
}

/** Addresses as one spelling (IPv6 has several), so a reply's source matches its peer. */
function canonical(address: string): string {
  try {
    return formatIp(parseIp(address));
  } catch {
    return address;
  }
}

interface Entry {
  readonly instance: ProbedInstance;
  /** Canonical address -> the peer as configured. */
  readonly peers: ReadonlyMap<string, string>;
  timer: TimerHandle | undefined;
  /** Peers with a TCP or EC2 probe in flight: never two at once. */
  readonly busy: Set<string>;
}

interface Pending {
  readonly entry: Entry;
  readonly peer: string;
  readonly sentAtMs: number;
}

export class PeerProbes {
  private readonly entries = new Set<Entry>();
  private readonly sockets = new Map<IpFamily, EchoSocket | null>();
  private readonly pending = new Map<number, Pending>();
  private readonly identifier = process.pid & 0xffff;
  private sequence = 0;
  private closed = false;

  constructor(private readonly deps: PeerProbeDeps) {}

  /** Starts probing the instance's peers; the returned function stops it. */
  add(instance: ProbedInstance): () => void {
    if (this.closed || instance.probe.kind === 'off' || instance.peers.length === 0) {
      return () => undefined;
    }
    const entry: Entry = {
      instance,
      peers: new Map(instance.peers.map((p) => [canonical(p), p])),
      timer: undefined,
      busy: new Set(),
    };
    this.entries.add(entry);
    this.round(entry);
    return () => this.remove(entry);
  }

  close(): void {
    this.closed = true;
    for (const entry of [...this.entries]) this.remove(entry);
    for (const socket of this.sockets.values()) socket?.close();
    this.sockets.clear();
  }

  private remove(entry: Entry): void {
    entry.timer?.cancel();
    this.entries.delete(entry);
    for (const [sequence, p] of this.pending) if (p.entry === entry) this.pending.delete(sequence);
  }

  private round(entry: Entry): void {
    if (!this.entries.has(entry)) return;
    const { instance } = entry;
    const nowMs = this.deps.clock.nowMs();
    let intervalMs = instance.intervalMs;
    if (instance.probe.kind === 'tcp') {
      for (const peer of instance.peers) this.tcpProbe(entry, peer, instance.probe.port);
    } else if (instance.probe.kind === 'ec2') {
      intervalMs = ec2ProbeIntervalMs(instance.intervalMs);
      for (const peer of instance.peers) this.ec2Probe(entry, peer);
    } else {
      this.expire(entry, nowMs);
      for (const peer of instance.peers) this.echo(entry, peer, nowMs);
    }
    entry.timer = this.deps.clock.setTimer(nowMs + intervalMs, () => this.round(entry));
  }

  /** Echoes of this instance unanswered for an interval: lost. */
  private expire(entry: Entry, nowMs: number): void {
    for (const [sequence, p] of this.pending) {
      if (p.entry !== entry || nowMs - p.sentAtMs < entry.instance.intervalMs) continue;
      this.pending.delete(sequence);
      entry.instance.probed(p.peer, false);
    }
  }

  private echo(entry: Entry, peer: string, nowMs: number): void {
    const socket = this.socket(entry.instance.family);
    if (socket === undefined || this.pending.size >= MAX_PENDING) return;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.pending.set(this.sequence, { entry, peer, sentAtMs: nowMs });
    const { vrid } = entry.instance;
    socket.send(
      peer,
      this.identifier,
      this.sequence,
      encodeBeacon({ vrid, state: entry.instance.state() }),
      (error, address) => this.sendFailed(error, address),
    );
  }

  private tcpProbe(entry: Entry, peer: string, port: number): void {
    if (entry.busy.has(peer)) return;
    entry.busy.add(peer);
    const check = this.deps.tcpCheck ?? runTcpCheck;
    void check({ host: peer, port, timeoutMs: entry.instance.intervalMs }).then((outcome) => {
      entry.busy.delete(peer);
      if (this.entries.has(entry)) entry.instance.probed(peer, outcome.ok);
    });
  }

  /** One DescribeInstances per peer at a time, each bounded by the cloud's call timeout. */
  private ec2Probe(entry: Entry, peer: string): void {
    if (entry.busy.has(peer)) return;
    entry.busy.add(peer);
    const check = this.deps.ec2Check ?? (() => Promise.resolve('unknown' as const));
    void check(entry.instance.name, peer)
      .catch((): PeerInstanceReachability => 'unknown')
      .then((reachability) => {
        entry.busy.delete(peer);
        if (!this.entries.has(entry)) return;
        if (reachability === 'unknown') {
          this.deps.logger.debug({ peer }, 'EC2 could not say whether the peer runs');
        }
        // Unknown counts as a lost probe, never as an answer: a peer last seen running is no
        // longer taken as reachable once EC2 has failed to confirm it a few times in a row.
        entry.instance.probed(peer, reachability === 'reachable');
      });
  }

  private socket(family: IpFamily): EchoSocket | undefined {
    const known = this.sockets.get(family);
    if (known !== undefined) return known ?? undefined;
    try {
      const socket = this.deps.openEchoSocket(
        family,
        (echo, source) => this.received(family, echo, source),
        (error, address) => this.sendFailed(error, address),
      );
      this.sockets.set(family, socket);
      return socket;
    } catch (error) {
      this.deps.logger.warn(
        { err: error, family },
        'peer probes off: no ICMP socket (the split-brain diagnosis needs CAP_NET_RAW, or unicast.probe: { tcp: PORT })',
      );
      this.sockets.set(family, null);
      return undefined;
    }
  }

  private sendFailed(error: Error, address: string): void {
    this.deps.logger.debug({ err: error, peer: address }, 'peer probe not sent');
  }

  private received(family: IpFamily, echo: IcmpEcho, source: string): void {
    const from = canonical(source);
    if (echo.kind === 'reply') {
      if (echo.identifier !== this.identifier) return; // another program's ping
      const p = this.pending.get(echo.sequence);
      if (p === undefined || canonical(p.peer) !== from) return;
      this.pending.delete(echo.sequence);
      if (this.entries.has(p.entry)) p.entry.instance.probed(p.peer, true);
      return;
    }
    const beacon = decodeBeacon(echo.data);
    if (beacon === undefined) return;
    // Only configured peers are heard: anyone can send this.
    for (const entry of this.entries) {
      const peer = entry.peers.get(from);
      if (peer === undefined || entry.instance.family !== family) continue;
      if (entry.instance.vrid === beacon.vrid) entry.instance.peerSaid(peer, beacon.state);
    }
  }
}
