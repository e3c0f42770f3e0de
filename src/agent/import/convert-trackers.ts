// vrrp_script, track_file (vrrp_track_file) and vrrp_track_process blocks to floatd trackers
// (keepalived.conf(5) "VRRP script(s)", "Track files", "VRRP track processes").
import { childrenOf } from './convert-context.js';
import { resolveOnPath } from './resolve-program.js';
import type { ConvertContext } from './convert-context.js';
import { readScriptStatement } from './script-words.js';
import type { ConfNode } from './parse-config.js';

export type Tracker = Record<string, unknown> & { name: string; type: string };

function weightOf(ctx: ConvertContext, node: ConfNode, path: string): number | undefined {
  const weight = ctx.int(node, path);
  if (node.args[1] === 'reverse')
    ctx.report(
      node,
      '"reverse" is not supported: the weight is kept without it',
      'unsupported',
      path,
    );
  else ctx.extraArgs(node, 1, 'arguments');
  return weight;
}

export function convertScript(ctx: ConvertContext, block: ConfNode, path: string): Tracker {
  const name = ctx.checkName(block, path);
  const out: Tracker = { name, type: 'script' };
  let scriptNode: ConfNode | undefined;
  for (const node of childrenOf(block)) {
    switch (node.keyword) {
      case 'script': {
        // keepalived runs the script itself (no shell): the script word, split into the
        // program and its arguments with keepalived's quoting and escapes (script-words.ts).
        const read = readScriptStatement(node.text);
        if (!read.ok) {
          ctx.report(node, `keepalived cannot read this script (${read.why}) and ignores it`);
          break;
        }
        const [script = '', ...args] = read.argv;
        out.script = script;
        if (args.length > 0) out.args = args;
        if (read.rest.length > 0)
          // keepalived's script keyword takes one word: quote the command to pass arguments.
          ctx.report(
            node,
            `keepalived runs only the first word after "script" and ignores "${read.rest.join(' ')}": so does this conversion (quote the whole command to pass arguments)`,
            'unsupported',
            `${path}.script`,
          );
        scriptNode = node;
        break;
      }
      case 'interval':
        out.interval = ctx.seconds(node, `${path}.interval`);
        break;
      case 'timeout':
        out.timeout = ctx.seconds(node, `${path}.timeout`);
        break;
      case 'weight':
        out.weight = weightOf(ctx, node, `${path}.weight`);
        break;
      case 'rise':
        out.rise = ctx.int(node, `${path}.rise`);
        break;
      case 'fall':
        out.fall = ctx.int(node, `${path}.fall`);
        break;
      case 'user':
        out.user = ctx.arg(node, `${path}.user`);
        ctx.extraArgs(node, 1, 'a group');
        break;
      case 'init_fail':
        out.initFail = true;
        break;
      default:
        ctx.unsupported(node);
    }
  }
  ctx.requireKey(block, out, 'script', path);
  const tcp = typeof out.script === 'string' ? BASH_TCP.exec(out.script) : null;
  if (tcp !== null && out.args === undefined)
    return asTcpTracker(ctx, block, out, tcp[1] ?? '', Number(tcp[2]));
  const found = scriptNode === undefined ? undefined : resolveOnPath(String(out.script));
  if (scriptNode !== undefined && found !== undefined) {
    ctx.report(
      scriptNode,
      `"${String(out.script)}" resolved to ${found} on this host's PATH, as keepalived looks it up: check the path on the target host`,
      'info',
    );
    out.script = found;
  } else if (scriptNode !== undefined && !String(out.script).startsWith('/')) {
    ctx.report(
      scriptNode,
      `"${String(out.script)}" is not an absolute path: floatd runs scripts without a shell or PATH search; give the full path`,
      'unsupported',
      `${path}.script`,
    );
  }
  // Without its own user it runs as global_defs script_user: the top-level scriptUser.
  return out;
}

// The common 'script "</dev/tcp/127.0.0.1/80"' (a bash redirection as a port check, as in
// keepalived's sample keepalived.conf.vrrp.localcheck) is what floatd's tcp tracker does.
const BASH_TCP = /^<\/dev\/tcp\/([^/]+)\/(\d+)$/;

function asTcpTracker(
  ctx: ConvertContext,
  block: ConfNode,
  script: Tracker,
  host: string,
  port: number,
): Tracker {
  const { name, type: _type, script: command, args: _args, user, ...timing } = script;
  ctx.report(
    block,
    `script "${String(command)}" is a TCP connect check: converted to a tcp tracker`,
    'info',
  );
  if (user !== undefined)
    ctx.report(block, `a tcp tracker runs no script: user ${String(user)} dropped`);
  return { name, type: 'tcp', host, port, ...timing };
}

export function convertTrackFile(ctx: ConvertContext, block: ConfNode, path: string): Tracker {
  const out: Tracker = { name: ctx.checkName(block, path), type: 'file' };
  for (const node of childrenOf(block)) {
    if (node.keyword === 'file') out.path = ctx.arg(node, `${path}.path`);
    else if (node.keyword === 'weight') out.weight = weightOf(ctx, node, `${path}.weight`);
    else ctx.unsupported(node);
  }
  ctx.requireKey(block, out, 'path', path);
  return out;
}

export function convertTrackProcess(ctx: ConvertContext, block: ConfNode, path: string): Tracker {
  const out: Tracker = { name: ctx.checkName(block, path), type: 'process' };
  for (const node of childrenOf(block)) {
    switch (node.keyword) {
      case 'process':
        out.process = ctx.arg(node, `${path}.process`);
        ctx.extraArgs(node, 1, 'process parameters are');
        break;
      case 'quorum':
        out.minProcesses = ctx.int(node, `${path}.minProcesses`);
        break;
      case 'weight':
        out.weight = weightOf(ctx, node, `${path}.weight`);
        break;
      default:
        ctx.unsupported(node);
    }
  }
  ctx.requireKey(block, out, 'process', path);
  return out;
}
