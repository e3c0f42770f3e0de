// notify_master/backup/fault/stop and notify (instances and sync groups) to floatd `notify`.
// keepalived.conf(5): "notify_master /path/script [username [groupname]]" — a script with its
// own user (and group) becomes the mapping { script, user, group }; without one it runs as
// global_defs script_user, which the converter writes as the top-level scriptUser.
import type { ConvertContext } from './convert-context.js';
import { resolveOnPath } from './resolve-program.js';
import type { ConfNode } from './parse-config.js';

const NOTIFY_KEYS: Readonly<Record<string, string>> = {
  notify_master: 'master',
  notify_backup: 'backup',
  notify_fault: 'fault',
  notify_stop: 'stop',
  notify: 'any',
};

export type NotifyScript = string | { script: string; user: string; group?: string };

/**
 * keepalived.conf(5) SCRIPTS: a group starting with ':' also sets the user's supplementary
 * groups; floatd has no such form, so it is refused where it is written.
 */
export function checkGroup(ctx: ConvertContext, node: ConfNode, group: string, path: string): void {
  if (group.startsWith(':'))
    ctx.report(
      node,
      `group "${group}": the ':' form (supplementary groups) is not supported by floatd`,
      'unsupported',
      path,
    );
}

/** Adds the statement to `notify` and returns true if it is a notify keyword we convert. */
export function convertNotify(
  ctx: ConvertContext,
  node: ConfNode,
  notify: Record<string, NotifyScript>,
  path: string,
): boolean {
  const key = NOTIFY_KEYS[node.keyword];
  if (key === undefined) return false;
  const command = ctx.arg(node, `${path}.${key}`);
  if (command === undefined) return true;
  const [, user, group] = node.args;
  ctx.extraArgs(node, 3, 'arguments after the user and group are');
  // As written: white space inside quotes is part of an argument.
  let text = command.trim();
  const program = /^\S+/.exec(text)?.[0] ?? '';
  const found = resolveOnPath(program);
  if (found !== undefined) {
    ctx.report(
      node,
      `"${program}" resolved to ${found} on this host's PATH, as keepalived looks it up: check the path on the target host`,
      'info',
    );
    text = found + text.slice(program.length);
  }
  if (user === undefined) notify[key] = text;
  else {
    notify[key] = { script: text, user, ...(group === undefined ? {} : { group }) };
    if (group !== undefined) checkGroup(ctx, node, group, `${path}.${key}.group`);
  }
  if (!text.startsWith('/')) {
    ctx.report(
      node,
      'floatd needs an absolute script path (no shell, no PATH search)',
      'unsupported',
      `${path}.${key}`,
    );
  }
  return true;
}
