// The parsed keepalived.conf tree to the floatd.yaml data: global_defs, vrrp_script /
// track_file / vrrp_track_process (trackers), vrrp_instance, vrrp_sync_group. Everything else
// is reported, once per statement or block, with its file and line.
import { ConvertContext, childrenOf } from './convert-context.js';
import { convertGarp } from './convert-garp.js';
import { convertInstance } from './convert-instance.js';
import type { Instance, InstanceDefaults, KnownTrackers } from './convert-instance.js';
import { checkGroup, convertNotify } from './convert-notify.js';
import type { NotifyScript } from './convert-notify.js';
import { convertScript, convertTrackFile, convertTrackProcess } from './convert-trackers.js';
import type { Tracker } from './convert-trackers.js';
import type { Diagnostic } from './diagnostic.js';
import type { ConfNode } from './parse-config.js';

export interface Converted {
  readonly data: Record<string, unknown>;
  readonly diagnostics: Diagnostic[];
}

interface Globals {
  instance: { version: number; strict: boolean; garp: Record<string, unknown> };
  /** global_defs script_user: the default user (and group) of notify scripts and trackers. */
  scriptUser?: { user: string; group?: string };
  notifyFifo?: string;
}

// Blocks of other keepalived features (LVS, BFD, static addresses/routes): one report each.
const NOT_VRRP = new Set([
  'virtual_server',
  'virtual_server_group',
  'bfd_instance',
  'static_ipaddress',
  'static_routes',
  'static_rules',
  'linkbeat_interfaces',
  'garp_group',
  'track_group',
]);

function convertGlobals(ctx: ConvertContext, block: ConfNode, globals: Globals): void {
  for (const node of childrenOf(block)) {
    if (convertGarp(ctx, node, 'global_defs', globals.instance.garp, 'instances[*].garp')) continue;
    switch (node.keyword) {
      case 'vrrp_version': {
        const version = ctx.int(node);
        if (version === 2 || version === 3) globals.instance.version = version;
        else ctx.report(node, 'expected 2 or 3: ignored');
        break;
      }
      case 'vrrp_strict':
        globals.instance.strict = true;
        ctx.report(
          node,
          'only its no_accept part is converted (acceptMode: false); floatd has no strict mode',
          'info',
        );
        break;
      case 'script_user': {
        // keepalived.conf(5): "script_user <USERNAME> [GROUPNAME]", the default for every script.
        const [user, group] = node.args;
        if (user === undefined) ctx.arg(node, 'scriptUser');
        else {
          globals.scriptUser = { user, ...(group === undefined ? {} : { group }) };
          if (group !== undefined) checkGroup(ctx, node, group, 'scriptUser.group');
          ctx.extraArgs(node, 2, 'arguments after the user and group are');
        }
        break;
      }
      case 'enable_script_security':
        ctx.report(
          node,
          'always on in floatd: a script run as root is refused if it, or a directory above it, is writable by another user',
          'info',
        );
        break;
      case 'notify_fifo':
      case 'vrrp_notify_fifo':
        globals.notifyFifo = ctx.arg(node, 'notifyFifo');
        ctx.extraArgs(node, 1, 'a fifo user and group are');
        break;
      case 'router_id':
        ctx.report(
          node,
          'a name for e-mail alerts and logs: floatd has no equivalent; ignored',
          'info',
        );
        break;
      default:
        ctx.unsupported(node);
    }
  }
}

// keepalived.conf(5) vrrp_sync_group keywords that take no value; any other bare word there is
// most likely an instance name outside "group { }".
const SYNC_GROUP_FLAGS = new Set([
  'smtp_alert',
  'global_tracking',
  'sync_group_tracking_weight',
  'notify_priority_changes',
  'notify_deleted',
]);

function convertSyncGroup(
  ctx: ConvertContext,
  block: ConfNode,
  path: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { name: ctx.checkName(block, path) };
  const notify: Record<string, NotifyScript> = {};
  for (const node of childrenOf(block)) {
    if (convertNotify(ctx, node, notify, `${path}.notify`)) continue;
    if (node.keyword === 'group') out.instances = childrenOf(node).map((member) => member.keyword);
    else if (
      node.args.length === 0 &&
      node.children === undefined &&
      !SYNC_GROUP_FLAGS.has(node.keyword)
    ) {
      ctx.unsupported(
        node,
        'not a sync group keyword (member instances go inside "group { }"): ignored',
      );
    } else ctx.unsupported(node);
  }
  ctx.requireKey(block, out, 'instances', path);
  if (Object.keys(notify).length > 0) out.notify = notify;
  return out;
}

export function convertConfig(nodes: readonly ConfNode[]): Converted {
  const ctx = new ConvertContext();
  const globals: Globals = { instance: { version: 2, strict: false, garp: {} } };
  // global_defs first: keepalived applies them to every instance wherever they appear.
  for (const node of nodes) if (node.keyword === 'global_defs') convertGlobals(ctx, node, globals);
  const trackers: Tracker[] = [];
  const instanceBlocks: { block: ConfNode; known: KnownTrackers }[] = [];
  // keepalived resolves a track_* name when it reads the instance: trackers defined so far.
  const known = {
    track_script: new Set<string>(),
    track_file: new Set<string>(),
    track_process: new Set<string>(),
  };
  const define = (kind: keyof typeof known, tracker: Tracker): void => {
    known[kind].add(tracker.name);
    trackers.push(tracker);
  };
  const groups: Record<string, unknown>[] = [];
  for (const node of nodes) {
    const path = `trackers[${trackers.length}]`;
    switch (node.keyword) {
      case 'global_defs':
        break;
      case 'vrrp_script':
        define('track_script', convertScript(ctx, node, path));
        break;
      case 'track_file':
      case 'vrrp_track_file':
        define('track_file', convertTrackFile(ctx, node, path));
        break;
      case 'vrrp_track_process':
        define('track_process', convertTrackProcess(ctx, node, path));
        break;
      case 'vrrp_instance':
        instanceBlocks.push({
          block: node,
          known: Object.fromEntries(Object.entries(known).map(([k, v]) => [k, new Set(v)])),
        });
        break;
      case 'vrrp_sync_group':
        groups.push(convertSyncGroup(ctx, node, `syncGroups[${groups.length}]`));
        break;
      default:
        if (NOT_VRRP.has(node.keyword))
          ctx.unsupported(node, 'not a VRRP feature; floatd does not do it: skipped');
        else ctx.unsupported(node);
    }
  }
  const defaults: InstanceDefaults = globals.instance;
  const instances: Instance[] = instanceBlocks.map(({ block, known: before }, i) =>
    convertInstance(ctx, block, `instances[${i}]`, defaults, before),
  );
  const data: Record<string, unknown> = {};
  if (globals.notifyFifo !== undefined) data.notifyFifo = globals.notifyFifo;
  if (globals.scriptUser !== undefined) data.scriptUser = globals.scriptUser;
  if (trackers.length > 0) data.trackers = trackers;
  data.instances = instances;
  if (groups.length > 0) data.syncGroups = groups;
  return { data, diagnostics: ctx.diagnostics };
}
