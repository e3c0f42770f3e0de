// The sub-blocks of a vrrp_instance: virtual_ipaddress, authentication and the track_* lists
// (keepalived.conf(5) "VRRP instance(s)").
import { childrenOf } from './convert-context.js';
import type { ConvertContext } from './convert-context.js';
import type { ConfNode } from './parse-config.js';

function convertVip(ctx: ConvertContext, node: ConfNode, path: string): unknown {
  const vip: Record<string, string> = { address: node.keyword };
  for (let i = 0; i < node.args.length; i++) {
    const option = node.args[i] ?? '';
    const value = node.args[i + 1];
    if ((option === 'dev' || option === 'label') && value !== undefined) {
      vip[option === 'dev' ? 'device' : 'label'] = value;
      i++;
    } else if (['brd', 'scope', 'peer', 'preferred_lft'].includes(option) && value !== undefined) {
      ctx.report(
        node,
        `"${option} ${value}" is not supported: the address is added without it`,
        'unsupported',
        path,
      );
      i++;
    } else {
      ctx.report(node, `address option "${option}" is not supported: ignored`, 'unsupported', path);
    }
  }
  return Object.keys(vip).length === 1 ? node.keyword : vip;
}

export type Family = 'IPv4' | 'IPv6';

export const familyOf = (address: string): Family => (address.includes(':') ? 'IPv6' : 'IPv4');

/** The instance's address family: set by its first address (VIP or unicast_src_ip). */
export interface FamilyHolder {
  value?: Family;
}

/** Adds a virtual_ipaddress block's addresses to `vips`; a repeat is reported (floatd refuses it). */
export function convertVips(
  ctx: ConvertContext,
  block: ConfNode,
  vips: unknown[],
  path: string,
  family: FamilyHolder,
): void {
  const address = (vip: unknown): unknown =>
    typeof vip === 'string' ? vip : (vip as { address: string }).address;
  for (const node of childrenOf(block)) {
    const at = `${path}[${vips.length}]`;
    const own = familyOf(node.keyword);
    family.value ??= own;
    if (own !== family.value) {
      // keepalived ("address family must match VRRP instance [...] - ignoring"): the address is
      // not added; keepalived.conf(5) puts a mixture in virtual_ipaddress_excluded.
      ctx.report(
        node,
        `${own} in an ${family.value} instance: keepalived ignores it ("address family must match VRRP instance"), so it is left out; keepalived.conf(5) puts the other family in virtual_ipaddress_excluded, which floatd does not carry: give it an instance of its own`,
      );
      continue;
    }
    if (vips.some((vip) => address(vip) === node.keyword)) {
      // floatd refuses a duplicate VIP: keep the first and say the later one was left out.
      ctx.report(
        node,
        'the same address is listed twice: kept the first, left this one out (floatd refuses duplicates)',
        'info',
        at,
      );
      continue;
    }
    vips.push(convertVip(ctx, node, at));
  }
}

export function convertAuthentication(
  ctx: ConvertContext,
  block: ConfNode,
  path: string,
): Record<string, string> {
  const auth: Record<string, string> = { type: 'pass' };
  for (const node of childrenOf(block)) {
    if (node.keyword === 'auth_type') {
      const type = node.args[0]?.toUpperCase();
      if (type === 'AH') {
        // keepalived.conf(5) "auth_type": AH is IPsec-AH, a digest of the packet; floatd only
        // has PASS, and writing PASS would send the secret in clear: refused, not converted.
        auth.type = 'AH';
        ctx.report(
          node,
          'AH (IPsec authentication header) cannot be carried by floatd, and PASS would send the password in clear: refused; remove authentication on both sides, or keep keepalived',
          'unsupported',
          path,
        );
      } else if (type !== 'PASS')
        ctx.report(
          node,
          `auth_type ${node.args[0] ?? ''} is not supported (only PASS)`,
          'unsupported',
          `${path}.type`,
        );
    } else if (node.keyword === 'auth_pass') {
      const pass = ctx.arg(node, `${path}.password`) ?? '';
      // keepalived.conf(5): "Only the first eight (8) characters are used." Same bytes on the wire.
      const bytes = Buffer.from(pass, 'utf8');
      if (bytes.length > 8) {
        auth.password = bytes.subarray(0, 8).toString('utf8');
        ctx.report(
          node,
          'longer than 8 bytes: truncated to the 8 keepalived sends (floatd refuses longer)',
          'info',
          `${path}.password`,
        );
      } else auth.password = pass;
    } else ctx.unsupported(node);
  }
  // An AH secret is never written out as a PASS password.
  if (auth.type === 'AH') delete auth.password;
  return auth;
}

/**
 * track_script / track_file / track_process / track_interface entries. `known`: the trackers of
 * the block's kind defined before the instance (none for track_interface). keepalived looks a
 * tracked name up as it reads the instance and ignores one it has not read yet ("track script
 * NAME not found, ignoring..."): so is it left out here, with its line.
 */
export function convertTrack(
  ctx: ConvertContext,
  block: ConfNode,
  track: unknown[],
  path: string,
  known: ReadonlySet<string> | undefined,
): void {
  const by = block.keyword === 'track_interface' ? 'interface' : 'tracker';
  for (const node of childrenOf(block)) {
    if (known !== undefined && !known.has(node.keyword)) {
      const kind = block.keyword.replace(/^track_/, '');
      ctx.report(
        node,
        `no ${kind} "${node.keyword}" is defined before this instance: keepalived ignores it ("track ${kind} ${node.keyword} not found, ignoring"), so it is left out`,
      );
      continue;
    }
    const entry: Record<string, unknown> = { [by]: node.keyword };
    const at = `${path}[${track.length}]`;
    if (node.args[0] === 'weight') {
      const weight = node.args[1];
      if (weight !== undefined && /^-?\d+$/.test(weight)) entry.weight = Number(weight);
      else
        ctx.report(
          node,
          `expected "weight <integer>", got "${node.args.join(' ')}"`,
          'unsupported',
          at,
        );
      if (node.args[2] === 'reverse')
        ctx.report(
          node,
          '"reverse" is not supported: the weight is kept without it',
          'unsupported',
          at,
        );
      else ctx.extraArgs(node, 2, 'arguments');
    } else ctx.extraArgs(node, 0, 'arguments');
    // track_interface without weight: 0 = FAULT while down, floatd's default.
    track.push(entry);
  }
}
