// What the transport needs to know about an interface, read with iproute2's JSON output.
// execFile, never a shell: the name comes from config.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { InterfaceReadError, NoInterfaceError } from './errors.js';

const execFileAsync = promisify(execFile);
const IP_TIMEOUT_MS = 5_000;
/** IFNAMSIZ is 16 with the NUL; the kernel refuses '/', ':' and whitespace (dev_valid_name). */
const VALID_NAME = /^[^/:\s]{1,15}$/;

export interface InterfaceInfo {
  readonly name: string;
  readonly index: number;
  readonly mac: string;
  /** Administratively up AND carrier present (IFF_UP and IFF_LOWER_UP): VRRP can run. */
  readonly up: boolean;
  /** IPv4 addresses, primary ones first (a secondary is never the source of an advert). */
  readonly ipv4: readonly string[];
  /** The link-local IPv6 address: the source of IPv6 adverts (RFC 5798 §5.1.2.1). */
  readonly ipv6LinkLocal?: string;
  /** The other IPv6 addresses (global, unique-local), in iproute2's order. */
  readonly ipv6: readonly string[];
}

interface IpAddrInfo {
  readonly family?: string;
  readonly local?: string;
  readonly scope?: string;
  readonly secondary?: boolean;
}

interface IpLink {
  readonly ifindex?: number;
  readonly ifname?: string;
  readonly address?: string;
  readonly flags?: readonly string[];
  readonly addr_info?: readonly IpAddrInfo[];
}

export async function readInterface(name: string): Promise<InterfaceInfo> {
  if (!VALID_NAME.test(name)) throw new NoInterfaceError(name, 'not a valid interface name');
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('ip', ['-j', 'addr', 'show', 'dev', name], {
      timeout: IP_TIMEOUT_MS,
    }));
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    if (/does not exist|cannot find device/i.test(stderr)) throw new NoInterfaceError(name);
    const why = stderr.trim() || (error as Error).message;
    throw new InterfaceReadError(name, `ip -j addr show failed: ${why}`, { cause: error });
  }
  return parseIpAddrJson(name, stdout);
}

/** Parse `ip -j addr show dev NAME`. Exported for tests; throws InterfaceReadError. */
export function parseIpAddrJson(name: string, json: string): InterfaceInfo {
  let links: unknown;
  try {
    links = JSON.parse(json);
  } catch (error) {
    throw new InterfaceReadError(name, 'ip printed invalid JSON', { cause: error });
  }
  const link = (Array.isArray(links) ? links : []).find((l: IpLink) => l.ifname === name) as
    IpLink | undefined;
  if (link === undefined) throw new NoInterfaceError(name);
  if (typeof link.ifindex !== 'number') throw new InterfaceReadError(name, 'no ifindex');
  const flags = link.flags ?? [];
  const addrs = link.addr_info ?? [];
  const inet = addrs.filter((a) => a.family === 'inet' && typeof a.local === 'string');
  const inet6 = addrs.filter((a) => a.family === 'inet6' && typeof a.local === 'string');
  const linkLocal = inet6.find((a) => a.scope === 'link')?.local;
  return {
    name,
    index: link.ifindex,
    mac: link.address ?? '',
    up: flags.includes('UP') && flags.includes('LOWER_UP'),
    ipv4: [
      ...inet.filter((a) => a.secondary !== true),
      ...inet.filter((a) => a.secondary === true),
    ].map((a) => a.local as string),
    ...(linkLocal === undefined ? {} : { ipv6LinkLocal: linkLocal }),
    ipv6: inet6.filter((a) => a.scope !== 'link').map((a) => a.local as string),
  };
}
