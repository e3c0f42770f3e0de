// One vrrp_instance block (keepalived.conf(5) "VRRP instance(s)") to a floatd instance.
import { childrenOf } from './convert-context.js';
import type { ConvertContext } from './convert-context.js';
import { convertGarp } from './convert-garp.js';
import { convertNotify } from './convert-notify.js';
import type { NotifyScript } from './convert-notify.js';
import {
  convertAuthentication,
  convertTrack,
  convertVips,
  familyOf,
} from './convert-instance-blocks.js';
import type { FamilyHolder } from './convert-instance-blocks.js';
import { OWNER_PRIORITY, completePreemption } from './instance-preempt.js';
import type { ConfNode } from './parse-config.js';

export interface InstanceDefaults {
  /** global_defs vrrp_version; keepalived's default is 2. */
  readonly version: number;
  /** vrrp_strict sets no_accept. */
  readonly strict: boolean;
  /** global vrrp_garp_* values, floatd garp keys. */
  readonly garp: Readonly<Record<string, unknown>>;
}

/** Tracker names by the track_* keyword that refers to them, as defined before an instance. */
export type KnownTrackers = Readonly<Record<string, ReadonlySet<string>>>;

export type Instance = Record<string, unknown>;

export function convertInstance(
  ctx: ConvertContext,
  block: ConfNode,
  path: string,
  defaults: InstanceDefaults,
  known: KnownTrackers,
): Instance {
  const out: Instance = { name: ctx.checkName(block, path) };
  const vips: unknown[] = [];
  const track: unknown[] = [];
  const notify: Record<string, NotifyScript> = {};
  const garp: Record<string, unknown> = { ...defaults.garp };
  const unicast: Record<string, unknown> = {};
  let version: number | undefined;
  let checkUnicastSource = false;
  let acceptMode: boolean | undefined;
  let authentication: { node: ConfNode; value: Record<string, string> } | undefined;
  let state: ConfNode | undefined;
  const family: FamilyHolder = {};
  let nopreempt: ConfNode | undefined;
  let preemptDelay: ConfNode | undefined;
  for (const node of childrenOf(block)) {
    if (
      convertNotify(ctx, node, notify, `${path}.notify`) ||
      convertGarp(ctx, node, 'instance', garp, `${path}.garp`)
    )
      continue;
    switch (node.keyword) {
      case 'state':
        state = node;
        break;
      case 'interface':
        out.interface = ctx.arg(node, `${path}.interface`);
        break;
      case 'virtual_router_id':
        out.vrid = ctx.int(node, `${path}.vrid`);
        break;
      case 'priority':
        out.priority = ctx.int(node, `${path}.priority`);
        break;
      case 'advert_int':
        out.advertInterval = ctx.seconds(node, `${path}.advertInterval`);
        break;
      case 'version':
        version = ctx.int(node, `${path}.version`);
        break;
      case 'nopreempt':
      case 'no_preempt':
        out.preempt = false;
        nopreempt = node;
        break;
      case 'preempt':
        out.preempt = true;
        nopreempt = undefined;
        break;
      case 'preempt_delay':
        out.preemptDelay = ctx.seconds(node, `${path}.preemptDelay`);
        preemptDelay = node;
        break;
      case 'accept':
        acceptMode = true;
        break;
      case 'no_accept':
        acceptMode = false;
        break;
      case 'virtual_ipaddress':
        convertVips(ctx, node, vips, `${path}.vips`, family);
        break;
      case 'unicast_src_ip':
        unicast.source = ctx.arg(node, `${path}.unicast.source`);
        // keepalived takes the instance's family from unicast_src_ip when it comes first.
        if (typeof unicast.source === 'string') family.value ??= familyOf(unicast.source);
        break;
      case 'unicast_peer': {
        const peers: string[] = [];
        for (const peer of childrenOf(node)) {
          peers.push(peer.keyword);
          ctx.extraArgs(peer, 0, 'min_ttl/max_ttl are');
        }
        unicast.peers = peers;
        break;
      }
      case 'check_unicast_src':
        checkUnicastSource = true;
        break;
      case 'authentication':
        authentication = {
          node,
          value: convertAuthentication(ctx, node, `${path}.authentication`),
        };
        break;
      case 'track_script':
      case 'track_file':
      case 'track_process':
      case 'track_interface':
        convertTrack(ctx, node, track, `${path}.track`, known[node.keyword]);
        break;
      case 'smtp_alert':
        ctx.report(node, 'e-mail alerts are not supported: use a notify script');
        break;
      default:
        ctx.unsupported(node);
    }
  }
  for (const key of ['interface', 'vrid']) ctx.requireKey(block, out, key, path);
  if (vips.length === 0)
    ctx.report(
      block,
      'no virtual_ipaddress: floatd needs at least one VIP',
      'unsupported',
      `${path}.vips`,
    );
  let effectiveVersion = version ?? defaults.version;
  const firstVip: unknown = vips[0];
  const firstAddress =
    typeof firstVip === 'string'
      ? firstVip
      : (firstVip as { address?: string } | undefined)?.address;
  if (effectiveVersion === 2 && firstAddress?.includes(':') === true) {
    // keepalived.conf(5) "version": IPv6 instances always use version 3.
    effectiveVersion = 3;
    ctx.report(block, 'an IPv6 instance: version 3, as keepalived always uses for IPv6', 'info');
  }
  out.version = effectiveVersion;
  if (
    effectiveVersion === 2 &&
    typeof out.advertInterval === 'string' &&
    out.advertInterval.includes('.')
  ) {
    ctx.report(
      block,
      `advert_int ${out.advertInterval} with VRRPv2: v2 carries whole seconds (RFC 3768 §5.3.7); use version 3 or a whole number`,
      'unsupported',
      `${path}.advertInterval`,
    );
  }
  completePreemption(ctx, out, { state, nopreempt, preemptDelay, strict: defaults.strict });
  if (acceptMode === undefined) {
    // keepalived.conf(5) "accept": on by default unless vrrp_strict, and always for the owner.
    acceptMode = out.priority === OWNER_PRIORITY || !defaults.strict;
  }
  out.acceptMode = acceptMode;
  out.vips = vips;
  if (unicast.peers !== undefined && (unicast.peers as string[]).length > 0) {
    out.mode = 'unicast';
    // keepalived accepts adverts from any source unless check_unicast_src.
    out.unicast = { ...unicast, acceptUnknownPeers: !checkUnicastSource };
  } else if (unicast.source !== undefined || unicast.peers !== undefined) {
    ctx.report(
      block,
      'unicast settings without a peer: keepalived (since 2.2.4 without unicast_fault_no_peer) runs multicast, and so does this conversion; the unicast settings are dropped',
      'info',
    );
  }
  if (authentication !== undefined) {
    // keepalived ignores authentication, in this order: in strict mode, with version 3, and
    // with no password ("Strict mode does not support authentication. Ignoring.", "VRRP
    // version 3 does not support authentication. Ignoring.", "Authentication specified but no
    // password given. Ignoring"): so does the conversion, or the two would not interoperate.
    const password = childrenOf(authentication.node).some(
      (n) => n.keyword === 'auth_pass' && n.args.length > 0,
    );
    const ignored = defaults.strict
      ? 'keepalived ignores authentication in strict mode (vrrp_strict): dropped'
      : effectiveVersion !== 2
        ? 'authentication is VRRPv2 only and this instance runs version 3: dropped'
        : !password
          ? 'no auth_pass: keepalived ignores authentication without a password: dropped'
          : undefined;
    if (ignored === undefined) out.authentication = authentication.value;
    else ctx.report(authentication.node, ignored, 'info');
  }
  if (Object.values(garp).some((v) => v !== undefined)) out.garp = garp;
  if (track.length > 0) out.track = track;
  if (Object.keys(notify).length > 0) out.notify = notify;
  if (state !== undefined) {
    ctx.report(
      state,
      `"state ${state.args[0] ?? ''}" is only keepalived's initial state: floatd has no such setting and elects by priority (an owner at 255 becomes MASTER at once, RFC 5798 §6.4.1); not converted`,
      'info',
    );
  }
  return out;
}
