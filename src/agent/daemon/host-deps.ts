// The real adapters of a Linux host, wired for the agent.
import type { Logger } from 'pino';
import { deadlineClock } from '../clock.js';
import { IcmpEchoSocket } from '../io/icmp-socket.js';
import { readInterface } from '../io/interface-info.js';
import { Ipv4VrrpSocket } from '../io/vrrp-socket-v4.js';
import { Ipv6VrrpSocket } from '../io/vrrp-socket-v6.js';
import { AddressManager } from '../net/address-manager.js';
import { IpBatch, ipBatchRunner } from '../net/ip-batch.js';
import { netlinkAddressRunner } from '../net/netlink-addresses.js';
import { createHostAnnouncer } from '../net/announcer.js';
import { LinkWatcher } from '../net/link-watcher.js';
import type { AgentDeps } from './agent.js';

export function createHostDeps(logger: Logger): AgentDeps {
  // VIPs go on and off with one rtnetlink request each (the native addon); `ip` is the fallback
  // for what netlink does not take (and for everything without the addon), through one
  // long-lived `ip -batch` started at its first use: no fork on the failover path either way.
  const ipBatch = new IpBatch();
  return {
    logger,
    // VRRP deadlines: never early, precise on request, after the adverts already waiting.
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
      run: netlinkAddressRunner(ipBatchRunner(ipBatch)),
    }),
    announce: createHostAnnouncer({ logger: logger.child({ component: 'net.announce' }) }),
    links: new LinkWatcher({ logger }),
    openEchoSocket: (family, onEcho, onError) => IcmpEchoSocket.open(family, onEcho, onError),
    // undici with it, only for mode auto with peers.
    probeCloud: async () =>
      (await import('../../cloud/aws/imds-probe.js')).probeInstanceMetadata(
        logger.child({ component: 'cloud.probe' }),
      ),
  };
}
