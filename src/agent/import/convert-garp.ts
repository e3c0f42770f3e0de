// Gratuitous ARP / NA timing: garp_master_* in a vrrp_instance and vrrp_garp_master_* plus
// vrrp_garp_interval in global_defs (keepalived.conf(5) "Global definitions" and "VRRP
// instance(s)"). Each name is a keyword in one place only: keepalived reports a global name in
// an instance, or an instance name in global_defs (garp_interval belongs to garp_group), as an
// unknown keyword and ignores it, so the converter does not carry it over either.
import type { ConvertContext } from './convert-context.js';
import type { ConfNode } from './parse-config.js';

interface GarpSpec {
  readonly key: string;
  readonly kind: 'seconds' | 'int';
}

const DELAY: GarpSpec = { key: 'masterDelay', kind: 'seconds' };
const REPEAT: GarpSpec = { key: 'masterRepeat', kind: 'int' };
const REFRESH: GarpSpec = { key: 'masterRefresh', kind: 'seconds' };
const REFRESH_REPEAT: GarpSpec = { key: 'masterRefreshRepeat', kind: 'int' };

const INSTANCE_GARP: Readonly<Record<string, GarpSpec>> = {
  garp_master_delay: DELAY,
  garp_master_repeat: REPEAT,
  garp_master_refresh: REFRESH,
  garp_master_refresh_repeat: REFRESH_REPEAT,
};

const GLOBAL_GARP: Readonly<Record<string, GarpSpec>> = {
  vrrp_garp_master_delay: DELAY,
  vrrp_garp_master_repeat: REPEAT,
  vrrp_garp_master_refresh: REFRESH,
  vrrp_garp_master_refresh_repeat: REFRESH_REPEAT,
  vrrp_garp_interval: { key: 'interval', kind: 'seconds' },
};

export type GarpPlace = 'instance' | 'global_defs';

/** Converts a garp keyword valid in `place` into `garp`; true if the keyword was garp's. */
export function convertGarp(
  ctx: ConvertContext,
  node: ConfNode,
  place: GarpPlace,
  garp: Record<string, unknown>,
  path: string,
): boolean {
  const [own, other] =
    place === 'instance' ? [INSTANCE_GARP, GLOBAL_GARP] : [GLOBAL_GARP, INSTANCE_GARP];
  const spec = own[node.keyword];
  if (spec !== undefined) {
    const at = `${path}.${spec.key}`;
    garp[spec.key] = spec.kind === 'int' ? ctx.int(node, at) : ctx.seconds(node, at);
    return true;
  }
  if (other[node.keyword] === undefined && node.keyword !== 'garp_interval') return false;
  const where = place === 'instance' ? 'a vrrp_instance' : 'global_defs';
  ctx.report(
    node,
    `not a keyword of ${where}: keepalived ignores it here ("Unknown keyword"), so it is not converted`,
    'info',
  );
  return true;
}
