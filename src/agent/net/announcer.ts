// The host's announcer: the MASTER schedule with gratuitous ARP on packet sockets for IPv4 and
// raw-socket NAs for IPv6.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { PacketGarpSender } from './garp-sender.js';
import { GarpScheduler } from './garp.js';
import { NeighbourAdvertSender } from './unsolicited-na.js';

export function createHostAnnouncer(opts: { logger: Logger; clock?: Clock }): GarpScheduler {
  const clock = opts.clock === undefined ? {} : { clock: opts.clock };
  const na = new NeighbourAdvertSender({ logger: opts.logger });
  try {
    na.open();
  } catch (error) {
    // Not fatal here: an IPv4-only agent never needs it, and a send retries and logs.
    opts.logger.warn({ err: error }, 'cannot open the ICMPv6 socket for unsolicited NAs yet');
  }
  const garp = new PacketGarpSender({ logger: opts.logger, ...clock });
  try {
    garp.open();
  } catch (error) {
    // Not fatal here: an IPv6-only agent never needs it; each failed send is counted and logged.
    opts.logger.warn({ err: error }, 'cannot send gratuitous ARP');
  }
  return new GarpScheduler({ logger: opts.logger, senders: { ipv4: garp, ipv6: na }, ...clock });
}
