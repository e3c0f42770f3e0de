// The agent's VRRP sockets: one per (interface, family), shared by the instances on it, and the
// demultiplexing of what each receives to the instance of that VRID. Adverts for a VRID no
// instance runs are counted per socket and logged within bounds (other routers' VRIDs are
// normal on a shared LAN).
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { FloatdConfig } from '../config/schema.js';
import type { IpFamily, ReceivedAdvert } from '../vrrp/codec/types.js';
import { StartupError, type AgentStatus, type InterfaceFacts } from './agent-types.js';
import type { AdvertSocket } from './ports.js';
import { SocketLog } from './socket-log.js';

/** An instance as the demultiplexer sees it. */
export interface AdvertReceiver {
  readonly config: { readonly interface: string; readonly family: IpFamily; readonly vrid: number };
  receive(received: ReceivedAdvert, receivedAgoMs: number): void;
}

export interface SocketTableDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  openSocket(iface: InterfaceFacts, family: IpFamily, joinMulticast: boolean): AdvertSocket;
}

interface Entry {
  readonly socket: AdvertSocket;
  readonly multicastJoined: boolean;
  /** The instances on this socket by VRID (bind()). */
  receivers: Map<number, AdvertReceiver>;
  unknownVrid: number;
}

export function socketKey(iface: string, family: IpFamily): string {
  return `${iface}/${family}`;
}

export class SocketTable {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: SocketTableDeps) {}

  /**
   * The socket of (iface, family), opened on first use. It joins the multicast group when an
   * instance of `config` there may use multicast; a socket opened without cannot join later.
   */
  open(iface: InterfaceFacts, family: IpFamily, config: FloatdConfig): AdvertSocket {
    const key = socketKey(iface.name, family);
    const joinMulticast = config.instances.some(
      (i) => i.interface === iface.name && i.family === family && i.mode !== 'unicast',
    );
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      if (joinMulticast && !existing.multicastJoined) {
        throw new StartupError(
          `the VRRP socket on ${iface.name} (${family}) was opened for unicast only; a multicast instance there needs a restart of floatd`,
        );
      }
      return existing.socket;
    }
    const log = this.deps.logger.child({ component: 'io.socket', iface: iface.name, family });
    const socketLog = new SocketLog(log, this.deps.clock);
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
    const entry: Entry = {
      socket,
      multicastJoined: joinMulticast,
      receivers: new Map(),
      unknownVrid: 0,
    };
    socket.on('advert', (received, receivedAgoMs) => {
      const receiver = entry.receivers.get(received.advert.vrid);
      if (receiver === undefined) {
        entry.unknownVrid++;
        socketLog.unknownVrid(received.advert.vrid, received.src);
        return;
      }
      receiver.receive(received, receivedAgoMs);
    });
    socket.on('reject', (reason, detail, src) => socketLog.rejected(reason, detail, src));
    socket.on('error', (error) => log.warn({ err: error }, 'socket error'));
    this.entries.set(key, entry);
    return socket;
  }

  get(iface: string, family: IpFamily): AdvertSocket | undefined {
    return this.entries.get(socketKey(iface, family))?.socket;
  }

  /** The instances running now (after a start or a reload): each socket's VRID table. */
  bind(receivers: readonly AdvertReceiver[]): void {
    for (const entry of this.entries.values()) entry.receivers = new Map();
    for (const r of receivers) {
      const entry = this.entries.get(socketKey(r.config.interface, r.config.family));
      entry?.receivers.set(r.config.vrid, r);
    }
  }

  /** Closes the sockets no bound instance uses. */
  closeUnused(): void {
    for (const [key, entry] of this.entries) {
      if (entry.receivers.size > 0) continue;
      entry.socket.close();
      this.entries.delete(key);
    }
  }

  closeAll(): void {
    for (const entry of this.entries.values()) entry.socket.close();
    this.entries.clear();
  }

  status(): AgentStatus['sockets'] {
    return [...this.entries].map(([key, { socket, unknownVrid }]) => {
      const c = socket.counters;
      // Only the reasons that happened: a status line stays readable.
      const counts = { ...c.rejected, 'unknown-vrid': unknownVrid };
      const rejected = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
      return {
        socket: key,
        sent: c.sent,
        sendErrors: c.sendErrors,
        received: c.received,
        rejected,
        ...(c.receiveDrops === undefined ? {} : { receiveDrops: c.receiveDrops }),
      };
    });
  }
}
