// Runs the net adapter INSIDE a lab host (`ip netns exec NS node --import tsx net-probe.ts ...`):
// `ip`, packet and raw sockets act on the current network namespace. Prints one JSON object per
// line on stdout; times are wall-clock ms (comparable with tcpdump -tt on another host).
//   addr add|remove|present|leftovers '<Vip JSON or Vip[] JSON>' [netlink|ip]
//                                 through the agent's rtnetlink runner (default) or plain `ip`
//   announce '<Vip[] JSON>'     one round (GARP / unsolicited NA), sent synchronously
//   link DEV                      watch DEV until killed
//   garp-recreate DEV VIP         GARP on DEV (a macvlan of eth0), DEV deleted and made again
//                                 (new ifindex and MAC), GARP again from the same sender
import { execFileSync } from 'node:child_process';
import { pino } from 'pino';
import { AddressManager } from '../../../src/agent/net/address-manager.js';
import { execFileRunner } from '../../../src/agent/net/command-runner.js';
import { netlinkAddressRunner } from '../../../src/agent/net/netlink-addresses.js';
import { GarpScheduler } from '../../../src/agent/net/garp.js';
import { PacketGarpSender } from '../../../src/agent/net/garp-sender.js';
import { LinkWatcher } from '../../../src/agent/net/link-watcher.js';
import { NeighbourAdvertSender } from '../../../src/agent/net/unsolicited-na.js';
import type { Vip } from '../../../src/agent/net/vip.js';

const logger = pino({ level: 'warn' }, pino.destination(2));
const wallMs = (): number => performance.timeOrigin + performance.now();
const print = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function addr(op: string, json: string, via: string): Promise<void> {
  if (via !== 'netlink' && via !== 'ip') throw new Error(`addr: netlink or ip, not ${via}`);
  const run = via === 'netlink' ? netlinkAddressRunner(execFileRunner) : execFileRunner;
  const manager = new AddressManager({ logger, run });
  const arg = JSON.parse(json) as Vip | Vip[];
  const one = (): Vip => arg as Vip;
  switch (op) {
    case 'add':
      await manager.add(one());
      return print({ event: 'added' });
    case 'remove':
      await manager.remove(one());
      return print({ event: 'removed' });
    case 'present':
      return print({ event: 'present', present: await manager.present(one()) });
    case 'leftovers':
      return print({ event: 'leftovers', removed: await manager.removeLeftovers(arg as Vip[]) });
    default:
      throw new Error(`unknown addr op ${op}`);
  }
}

async function announce(json: string): Promise<void> {
  const garp = new PacketGarpSender({ logger });
  const na = new NeighbourAdvertSender({ logger });
  // At startup, as createHostAnnouncer does: not part of the failover latency.
  garp.open();
  na.open();
  const scheduler = new GarpScheduler({ logger, senders: { ipv4: garp, ipv6: na } });
  const settings = {
    masterDelayMs: 0,
    masterRepeat: 1,
    masterRefreshMs: 0,
    masterRefreshRepeat: 0,
    intervalMs: 0,
  };
  const atMs = wallMs();
  scheduler.becameMaster('probe', JSON.parse(json) as Vip[], settings);
  print({ event: 'sent', atMs, returnedAfterMs: wallMs() - atMs, garp: garp.counters });
  // The NA send completes on the next writable event.
  await sleep(100);
  print({ event: 'done', garp: garp.counters });
  scheduler.close();
}

async function link(dev: string): Promise<void> {
  const watcher = new LinkWatcher({ logger });
  const up = await watcher.watch(dev, (nowUp) =>
    print({ event: 'change', up: nowUp, atMs: wallMs() }),
  );
  print({ event: 'initial', up });
  process.once('SIGTERM', () => {
    watcher.close();
    process.exit(0);
  });
}

function garpRecreate(dev: string, address: string): void {
  const makeDev = (): void =>
    void execFileSync('sh', [
      '-c',
      `ip link add ${dev} link eth0 type macvlan && ip link set ${dev} up`,
    ]);
  const macOf = (): string =>
    (
      JSON.parse(execFileSync('ip', ['-j', 'link', 'show', dev], { encoding: 'utf8' })) as {
        address: string;
      }[]
    )[0]?.address ?? '';
  const garp = new PacketGarpSender({ logger });
  const vip: Vip = { address, prefixLength: 24, device: dev };
  makeDev();
  const before = macOf();
  garp.send(vip);
  execFileSync('ip', ['link', 'del', dev]);
  makeDev();
  const after = macOf();
  garp.send(vip); // well within the recheck period: the old socket first (ENXIO), then a new one
  print({ event: 'recreated', before, after, counters: garp.counters });
  garp.close();
  execFileSync('ip', ['link', 'del', dev]);
}

const [mode, ...args] = process.argv.slice(2);
const main = async (): Promise<void> => {
  if (mode === 'addr') return addr(args[0] ?? '', args[1] ?? '', args[2] ?? 'netlink');
  if (mode === 'announce') return announce(args[0] ?? '[]');
  if (mode === 'link') return link(args[0] ?? '');
  if (mode === 'garp-recreate') return garpRecreate(args[0] ?? '', args[1] ?? '');
  throw new Error(`unknown mode ${mode}`);
};
main().catch((error: unknown) => {
  const e = error as { code?: string; message?: string };
  process.stderr.write(`${JSON.stringify({ event: 'error', code: e.code, message: e.message })}\n`);
  process.exitCode = 1;
});
