// The host's announcer: the MASTER schedule with arping for IPv4 and raw-socket NAs for IPv6.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { ArpingSender, GarpScheduler } from './garp.js';
import { NeighbourAdvertSender } from './unsolicited-na.js';

export function createHostAnnouncer(opts: { logger: Logger; clock?: Clock }): GarpScheduler {
  const na = new NeighbourAdvertSender({ logger: opts.logger });
  try {
    na.open();
  } catch (error) {
    // Not fatal here: an IPv4-only agent never needs it, and a send retries and logs.
    opts.logger.warn({ err: error }, 'cannot open the ICMPv6 socket for unsolicited NAs yet');
  }
  return new GarpScheduler({
    logger: opts.logger,
    senders: { ipv4: new ArpingSender({ logger: opts.logger }), ipv6: na },
    ...(opts.clock === undefined ? {} : { clock: opts.clock }),
  });
}
