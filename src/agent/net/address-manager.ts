// Puts VIPs on and off host interfaces with iproute2 (`ip addr`), idempotently: the core may ask
// for an address that is already there (a restart) or gone (an operator removed it).
import type { Logger } from 'pino';
import { execFileRunner, failureText, type CommandRunner } from './command-runner.js';
import { NetCommandError, NetOutputError } from './errors.js';
import { KeyedQueue } from './keyed-queue.js';
import { canonicalAddress, vipCidr, vipFamily, type Vip } from './vip.js';

export type { CommandRunner } from './command-runner.js';
export type { Vip } from './vip.js';

// iproute2 prints the kernel's extended ack when it has one ("Error: ipv4: Address already
// assigned.") and the errno text otherwise ("RTNETLINK answers: File exists"): both are seen.
const ALREADY_PRESENT = /File exists|EEXIST|already assigned/i;
const ALREADY_ABSENT = /Cannot assign requested address|EADDRNOTAVAIL|address not found/i;

interface AddrInfo {
  readonly local?: string;
  readonly prefixlen?: number;
}

export class AddressManager {
  private readonly logger: Logger;
  private readonly run: CommandRunner;
  private readonly queue = new KeyedQueue();

  constructor(opts: { logger: Logger; run?: CommandRunner }) {
    this.logger = opts.logger.child({ component: 'net.addresses' });
    this.run = opts.run ?? execFileRunner;
  }

  /** `ip addr add`; an address already on the device is success. */
  add(vip: Vip): Promise<void> {
    return this.serial(vip, async () => {
      const args = ['addr', 'add', vipCidr(vip), 'dev', vip.device];
      if (vip.label !== undefined && vipFamily(vip) === 'ipv4') args.push('label', vip.label);
      // Without nodad an IPv6 VIP stays "tentative" for the DAD time (~1 s): unusable as a source,
      // unanswered in neighbour discovery, and marked dadfailed if the old MASTER still holds it.
      // keepalived adds VIPs with IFA_F_NODAD for the same reason.
      if (vipFamily(vip) === 'ipv6') args.push('nodad');
      const outcome = await this.ip(args, ALREADY_PRESENT);
      // Per VIP at debug: a takeover of hundreds logs one line per instance (instance-runtime),
      // not one per address on the failover path. What was unexpected stays at info.
      if (outcome === 'done')
        this.logger.debug({ vip: vipCidr(vip), dev: vip.device }, 'VIP added');
      else this.logger.info({ vip: vipCidr(vip), dev: vip.device }, 'VIP already present');
    });
  }

  /** `ip addr del`; an address not on the device is success. */
  remove(vip: Vip): Promise<void> {
    return this.serial(vip, () => this.removeNow(vip));
  }

  /** Whether the address is on its device (with any prefix length). */
  present(vip: Vip): Promise<boolean> {
    return this.serial(vip, async () => (await this.prefixOnDevice(vip)) !== undefined);
  }

  /**
   * Crash cleanup at startup: a MASTER killed without a chance to remove its VIPs leaves them on
   * the interface (keepalived after SIGKILL does the same). Removes each of `vips` found on its
   * device, with the prefix length it has there, and returns what it removed.
   */
  async removeLeftovers(vips: readonly Vip[]): Promise<Vip[]> {
    const removed = await Promise.all(
      vips.map((vip) =>
        this.serial(vip, async () => {
          const prefixLength = await this.prefixOnDevice(vip);
          if (prefixLength === undefined) return undefined;
          const found: Vip = { ...vip, prefixLength };
          await this.removeNow(found);
          return found;
        }),
      ),
    );
    return removed.filter((v): v is Vip => v !== undefined);
  }

  private async removeNow(vip: Vip): Promise<void> {
    const outcome = await this.ip(['addr', 'del', vipCidr(vip), 'dev', vip.device], ALREADY_ABSENT);
    if (outcome === 'done')
      this.logger.debug({ vip: vipCidr(vip), dev: vip.device }, 'VIP removed');
    else this.logger.info({ vip: vipCidr(vip), dev: vip.device }, 'VIP already absent');
  }

  private async prefixOnDevice(vip: Vip): Promise<number | undefined> {
    const family = vipFamily(vip) === 'ipv6' ? '-6' : '-4';
    const args = ['-j', family, 'addr', 'show', 'dev', vip.device];
    const { stdout } = await this.runIp(args);
    const want = canonicalAddress(vip.address);
    for (const info of parseAddrInfo(stdout, `ip ${args.join(' ')}`)) {
      if (info.local !== undefined && canonicalAddress(info.local) === want) return info.prefixlen;
    }
    return undefined;
  }

  private serial<T>(vip: Vip, task: () => Promise<T>): Promise<T> {
    // Per address, not per device: an add and a remove of one VIP must never interleave.
    return this.queue.run(canonicalAddress(vip.address), task);
  }

  /** Run `ip`; an error whose text matches `idempotent` counts as success ("already"). */
  private async ip(args: string[], idempotent: RegExp): Promise<'done' | 'already'> {
    try {
      await this.run('ip', args);
      return 'done';
    } catch (error) {
      const text = failureText(error);
      if (idempotent.test(text)) return 'already';
      throw new NetCommandError('ip', args, text, error);
    }
  }

  private async runIp(args: string[]): Promise<{ stdout: string }> {
    try {
      return await this.run('ip', args);
    } catch (error) {
      throw new NetCommandError('ip', args, failureText(error), error);
    }
  }
}

function parseAddrInfo(stdout: string, command: string): AddrInfo[] {
  let links: unknown;
  try {
    links = JSON.parse(stdout);
  } catch (error) {
    throw new NetOutputError(command, 'not JSON', error);
  }
  if (!Array.isArray(links)) throw new NetOutputError(command, 'not a JSON array');
  return links.flatMap((link: { addr_info?: AddrInfo[] }) => link.addr_info ?? []);
}
