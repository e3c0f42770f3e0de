// A many-VIP layout: I instances (VRIDs) with V VIPs each, written "IxV" ("2x20", "255x1").
// VIPs are /32s in a block of their own (10.98.0.0/16, inside the lab's namespaces only): 255
// of them do not fit in the lab's /24 beside the hosts, and a /32 has no primary/secondary
// relation that would take other VIPs along when one is removed.

export interface LayoutInstance {
  readonly vrid: number;
  readonly vips: readonly string[];
}

export interface Layout {
  readonly label: string;
  readonly instances: readonly LayoutInstance[];
}

export const VIP_BLOCK = '10.98.0.0/16';
export const VIP_PREFIX_LENGTH = 32;
const MAX_VIPS = 250 * 256;

/** The VIP number `n` (0-based) of the block: 10.98.<n / 250>.<1 + n % 250>. */
export function blockAddress(n: number): string {
  return `10.98.${Math.floor(n / 250)}.${1 + (n % 250)}`;
}

export function parseLayout(spec: string): Layout {
  const m = /^(\d+)x(\d+)$/.exec(spec.trim());
  const instances = Number(m?.[1]);
  const vipsEach = Number(m?.[2]);
  if (m === null || instances < 1 || instances > 255 || vipsEach < 1 || vipsEach > 255) {
    throw new RangeError(
      `a layout is INSTANCESxVIPS with 1..255 of each (e.g. 2x20, 255x1), got "${spec}"`,
    );
  }
  if (instances * vipsEach > MAX_VIPS) throw new RangeError(`${spec}: too many VIPs`);
  // VRIDs from 1 up: with 255 instances every VRID is used.
  return {
    label: `${instances}x${vipsEach}`,
    instances: Array.from({ length: instances }, (_, i) => ({
      vrid: i + 1,
      vips: Array.from({ length: vipsEach }, (_, j) => blockAddress(i * vipsEach + j)),
    })),
  };
}

export function allVips(layout: Layout): string[] {
  return layout.instances.flatMap((i) => i.vips);
}
