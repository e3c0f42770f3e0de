// The real adapters of a Linux host, wired for the agent.
import type { Logger } from 'pino';
import { deadlineClock } from '../clock.js';
import { readInterface } from '../io/interface-info.js';
import { Ipv4VrrpSocket } from '../io/vrrp-socket-v4.js';
import { Ipv6VrrpSocket } from '../io/vrrp-socket-v6.js';
import { AddressManager } from '../net/address-manager.js';
import { IpBatch, ipBatchRunner } from '../net/ip-batch.js';
import { createHostAnnouncer } from '../net/announcer.js';
import { LinkWatcher } from '../net/link-watcher.js';
import type { AgentDeps } from './agent.js';

export function createHostDeps(logger: Logger): AgentDeps {
  // One long-lived `ip -batch` for address changes: no fork on the failover path.
  const ipBatch = new IpBatch();
  ipBatch.start();
  return {
    logger,
    clock: deadlineClock,
    readInterface,
    openSocket: (iface, family, joinMulticast) => {
      // The agent only sees InterfaceFacts; the sockets need the full InterfaceInfo.
      const info = iface as Awaited<ReturnType<typeof readInterface>>;
      return family === 'ipv4'
        ? Ipv4VrrpSocket.open({ iface: info, joinMulticast })
        : Ipv6VrrpSocket.open({ iface: info, joinMulticast });
    },
    addresses: new AddressManager({
      logger: logger.child({ component: 'net.addresses' }),
      run: ipBatchRunner(ipBatch),
    }),
    announce: createHostAnnouncer({ logger: logger.child({ component: 'net.announce' }) }),
    links: new LinkWatcher({ logger }),
    // undici with it, only for mode auto with peers.
    probeCloud: async () =>
      (await import('../../cloud/aws/imds-probe.js')).probeInstanceMetadata(
        logger.child({ component: 'cloud.probe' }),
      ),
  };
}
