// IPv4 and CIDR arithmetic for subnet checks and route destinations (EC2 here is IPv4 only).

export interface Cidr {
  readonly network: number;
  readonly prefixLength: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** Parses `a.b.c.d/n`; with `strict`, host bits must be zero (EC2 rejects `10.0.0.5/24`). */
export function parseCidr(text: string, strict = true): Cidr | undefined {
  const [address, length, extra] = text.split('/');
  if (address === undefined || length === undefined || extra !== undefined) return undefined;
  if (!/^(0|[1-9][0-9]?)$/.test(length)) return undefined;
  const prefixLength = Number(length);
  const ip = parseIpv4(address);
  if (ip === undefined || prefixLength > 32) return undefined;
  const network = (ip & maskOf(prefixLength)) >>> 0;
  if (strict && network !== ip) return undefined;
  return { network, prefixLength };
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return (ip & maskOf(cidr.prefixLength)) >>> 0 === cidr.network;
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

/**
 * AWS reserves the first four addresses and the last one of every subnet
 * (VPC user guide, "Subnet CIDR reservations").
 */
export function isReservedInSubnet(cidr: Cidr, ip: number): boolean {
  const offset = ip - cidr.network;
  return offset < 4 || offset === cidrSize(cidr) - 1;
}
