// The host's announcer: the MASTER schedule with arping for IPv4 and raw-socket NAs for IPv6.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { defaultSpawner } from './arping-sender.js';
import { ForkServer } from './fork-server.js';
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
  // arping runs from a small shell started now: no fork of floatd on the failover path.
  const forks = new ForkServer(opts.logger.child({ component: 'net.fork-server' }), defaultSpawner);
  forks.start();
  const arping = new ArpingSender({
    logger: opts.logger,
    spawn: forks.spawn,
    onClose: () => forks.close(),
  });
  return new GarpScheduler({
    logger: opts.logger,
    senders: { ipv4: arping, ipv6: na },
    ...(opts.clock === undefined ? {} : { clock: opts.clock }),
  });
}
