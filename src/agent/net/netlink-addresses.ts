// `ip addr add|del` in-process: one rtnetlink request per address (native/floatd-native's
// changeAddress) instead of a line to `ip -batch`. That costs ~10 us where ip costs ~100 us per
// line plus a pipe round trip, so hundreds of VIPs are on the interface, and announced, within a
// few ms of the MASTER decision (keepalived also talks netlink). It is a CommandRunner for the
// argument lists AddressManager builds; anything else goes to the fallback unchanged, as does
// everything when the addon cannot be loaded. A failure carries the text iproute2 prints for the
// same errno, which AddressManager matches ("File exists", "Cannot assign requested address").
import ipaddr from 'ipaddr.js';
import { NativeAddonMissingError } from '../native/errors.js';
import { nativeAddon, type NativeAddon } from '../native/native-addon.js';
import type { CommandOutput, CommandRunner } from './command-runner.js';
import { dottedQuad } from './vip.js';

interface AddressChange {
  readonly add: boolean;
  readonly address: Buffer;
  readonly prefixLength: number;
  readonly device: string;
  readonly label: string | undefined;
  readonly nodad: boolean;
}

const DONE: CommandOutput = { stdout: '', stderr: '' };

export function netlinkAddressRunner(
  fallback: CommandRunner,
  addon: () => NativeAddon = nativeAddon,
): CommandRunner {
  let usable = true;
  return (cmd, args) => {
    const change = cmd === 'ip' && usable ? parseAddressChange(args) : undefined;
    if (change === undefined) return fallback(cmd, args);
    let native: NativeAddon;
    try {
      native = addon();
    } catch (error) {
      if (!(error instanceof NativeAddonMissingError)) throw error;
      usable = false;
      return fallback(cmd, args);
    }
    try {
      apply(native, change);
      return Promise.resolve(DONE);
    } catch (error) {
      return Promise.reject(asIpFailure(error, change));
    }
  };
}

function apply(native: NativeAddon, c: AddressChange): void {
  const ifindex = native.interfaceIndex(c.device);
  const { add, address, prefixLength, nodad, label } = c;
  if (label === undefined) native.changeAddress(add, ifindex, address, prefixLength, nodad);
  else native.changeAddress(add, ifindex, address, prefixLength, nodad, label);
}

/** `addr add|del ADDR/LEN dev DEV [label L] [nodad]`, or undefined for anything else. */
export function parseAddressChange(args: readonly string[]): AddressChange | undefined {
  const [addr, verb, cidr, dev, device, ...rest] = args;
  if (addr !== 'addr' || (verb !== 'add' && verb !== 'del') || dev !== 'dev') return undefined;
  if (cidr === undefined || device === undefined || device === '') return undefined;
  let label: string | undefined;
  let nodad = false;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === 'nodad') nodad = true;
    else if (rest[i] === 'label' && rest[i + 1] !== undefined) label = rest[++i];
    else return undefined;
  }
  const slash = cidr.indexOf('/');
  const text = cidr.slice(0, slash);
  const prefixLength = Number(cidr.slice(slash + 1));
  if (slash < 0 || !Number.isInteger(prefixLength)) return undefined;
  const address = addressBytes(text);
  if (address === undefined) return undefined;
  if (prefixLength < 0 || prefixLength > address.length * 8) return undefined;
  return { add: verb === 'add', address, prefixLength, device, label, nodad };
}

function addressBytes(text: string): Buffer | undefined {
  const quad = dottedQuad(text);
  if (quad !== undefined) return quad;
  return ipaddr.isValid(text) ? Buffer.from(ipaddr.parse(text).toByteArray()) : undefined;
}

/** The error iproute2 would have given, with `stderr` as a failed command carries it. */
function asIpFailure(error: unknown, c: AddressChange): Error {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text =
    code === 'ENODEV'
      ? `Cannot find device "${c.device}"`
      : code === 'EEXIST'
        ? 'RTNETLINK answers: File exists'
        : code === 'EADDRNOTAVAIL'
          ? 'RTNETLINK answers: Cannot assign requested address'
          : `RTNETLINK answers: ${String(message).replace(/^[^:]*: /, '')}`;
  return Object.assign(new Error(text, { cause: error }), { stderr: text, code });
}
