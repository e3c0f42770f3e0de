// What one VRRP socket turns away, in the log: each (reason, source) named once per window and
// at most a budget of them per window (WarnLimiter), so a flood of bad packets from cycling
// sources can grow neither memory nor the log. The socket's counters count every packet.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { RejectReason } from '../vrrp/codec/types.js';
import { logLimited, WarnLimiter, type WarnLimits } from './warn-limiter.js';

export class SocketLog {
  private readonly rejects: WarnLimiter;
  /** Other routers' VRIDs are normal on a shared LAN: their own budget, at debug. */
  private readonly unknownVrids: WarnLimiter;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    limits?: WarnLimits,
  ) {
    this.rejects = new WarnLimiter(limits);
    this.unknownVrids = new WarnLimiter(limits);
  }

  /** A packet the socket could not take (malformed, TTL, checksum...). */
  rejected(reason: RejectReason | 'own-packet', detail: string, src: string | undefined): void {
    // Our own packet looped back is harmless: worth a debug line, not a warning.
    const level = reason === 'own-packet' ? 'debug' : 'warn';
    this.emit(
      this.rejects,
      level,
      `${reason}|${src ?? ''}`,
      { reason, detail, src },
      'packet rejected',
    );
  }

  /** An advert for a VRID no instance here runs. */
  unknownVrid(vrid: number, src: string): void {
    this.emit(
      this.unknownVrids,
      'debug',
      `${vrid}|${src}`,
      { vrid, src },
      'advert for a VRID we do not run',
    );
  }

  /** Keys the limiters hold now (bounded; for tests). */
  get size(): number {
    return this.rejects.size + this.unknownVrids.size;
  }

  private emit(
    limiter: WarnLimiter,
    level: 'warn' | 'debug',
    key: string,
    fields: Record<string, unknown>,
    msg: string,
  ): void {
    logLimited(limiter, this.log, level, this.clock.nowMs(), key, fields, msg);
  }
}
