// The Linux capabilities `floatd run` needs, checked before it starts anything: uid 0 is not
// enough (a container's root lacks CAP_NET_ADMIN unless given it), and without them the agent
// would run as a MASTER whose every address change fails (capabilities(7)).

/** Bit numbers in the capability sets (linux/capability.h). */
export const CAPABILITY_BITS = { CAP_NET_ADMIN: 12, CAP_NET_RAW: 13 } as const;
export type Capability = keyof typeof CAPABILITY_BITS;

const WHAT_FOR: Readonly<Record<Capability, string>> = {
  CAP_NET_RAW: 'VRRP and gratuitous ARP on raw sockets',
  CAP_NET_ADMIN: 'adding and removing the VIPs',
};

/** The effective set from /proc/self/status text (CapEff); undefined when it has none. */
export function effectiveCapabilities(procStatus: string): bigint | undefined {
  const hex = /^CapEff:\s*([0-9a-f]+)$/im.exec(procStatus)?.[1];
  return hex === undefined ? undefined : BigInt(`0x${hex}`);
}

/** Those of `needed` that the effective set lacks. */
export function missingCapabilities(
  effective: bigint,
  needed: readonly Capability[],
): Capability[] {
  return needed.filter((cap) => ((effective >> BigInt(CAPABILITY_BITS[cap])) & 1n) === 0n);
}

/** One line: what is missing, what it is for, and how to grant it. */
export function missingCapabilitiesLine(missing: readonly Capability[]): string {
  const what = missing.map((cap) => `${cap} (${WHAT_FOR[cap]})`).join(' and ');
  const docker = missing.map((cap) => `--cap-add ${cap.slice('CAP_'.length)}`).join(' ');
  return `missing ${what}: run as root, or grant it (systemd: AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN; docker: ${docker})`;
}
